"""Rule conditions as small, checked expressions compiled to SQL.

Users write conditions in program rules and settings the way the regulations
state them: ``desil <= desil_max and pkh_components >= 1``. An expression is
parsed with Python's own parser (:mod:`ast`) but only a closed set of forms is
accepted: field and parameter names, numbers, quoted text, ``true``/``false``,
comparisons (``== != < <= > >= in``, ``not in``), ``and``/``or``/``not``,
arithmetic (``+ - * /``) and the functions ``min``, ``max`` and ``round``.
Every name must be a known field or parameter and every comparison must compare
like with like; the result is SQL for DuckDB (and Spark SQL) where an unknown
value (a family without a desil) makes a condition false, never true.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from sinergi.errors import PipelineError
from sinergi.pipeline.diagnose.fields import FactField, FieldType

Value = int | float | str | bool | list[int | float | str]

_COMPARE = {
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_FUNCTIONS = {"min": "LEAST", "max": "GREATEST", "round": "ROUND"}
_WORDS = {"true": True, "false": False, "benar": True, "salah": False}


class RuleError(PipelineError):
    """A rule or settings file names an unknown field, compares unlike things or is malformed."""


@dataclass(frozen=True)
class Expression:
    """A checked condition or formula: its text, its SQL and the type it yields."""

    text: str
    sql: str
    type: FieldType
    names: frozenset[str]

    def condition(self) -> str:
        """SQL that is true only where the condition is known to hold."""
        return f"COALESCE(({self.sql}), FALSE)"


def compile_expression(
    text: str,
    fields: Mapping[str, FactField],
    parameters: Mapping[str, Value],
    where: str,
) -> Expression:
    """Parse and check ``text``; ``where`` names the file and key for messages.

    Examples:
        >>> from sinergi.pipeline.diagnose.fields import FAMILY_FIELDS
        >>> compile_expression("desil <= d", FAMILY_FIELDS, {"d": 4}, "x").sql
        '("desil" <= 4)'
    """
    compiler = _Compiler(fields, parameters, where, text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise compiler.error(
            f"tidak bisa dibaca di kolom {error.offset or 0}",
            f"cannot be parsed at column {error.offset or 0}",
        ) from None
    sql, kind = compiler.visit(tree.body)
    return Expression(text, sql, kind, frozenset(compiler.names))


class _Compiler:
    def __init__(
        self,
        fields: Mapping[str, FactField],
        parameters: Mapping[str, Value],
        where: str,
        text: str,
    ) -> None:
        self.fields = fields
        self.parameters = parameters
        self.where = where
        self.text = text
        self.names: set[str] = set()

    def error(self, pesan: str, english: str) -> RuleError:
        return RuleError(
            f"{self.where}: syarat `{self.text}` {pesan}.",
            english=f"{self.where}: condition `{self.text}` {english}",
            code="RULE_INVALID",
        )

    def visit(self, node: ast.AST) -> tuple[str, FieldType]:
        if isinstance(node, ast.BoolOp):
            parts = [self._typed(value, "bool") for value in node.values]
            joiner = " AND " if isinstance(node.op, ast.And) else " OR "
            return "(" + joiner.join(parts) + ")", "bool"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"(NOT {self._typed(node.operand, 'bool')})", "bool"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sql, kind = self._numeric(node.operand)
            return f"(-{sql})", kind
        if isinstance(node, ast.Compare):
            return self._compare(node), "bool"
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            left, left_kind = self._numeric(node.left)
            right, right_kind = self._numeric(node.right)
            is_float = "float" in (left_kind, right_kind) or isinstance(node.op, ast.Div)
            return f"({left} {_ARITHMETIC[type(node.op)]} {right})", (
                "float" if is_float else "int"
            )
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Constant):
            return _literal(node.value, self)
        raise self.error(
            f"memakai bentuk yang tidak didukung ({type(node).__name__})",
            f"uses an unsupported form ({type(node).__name__})",
        )

    def _typed(self, node: ast.AST, kind: FieldType) -> str:
        sql, found = self.visit(node)
        if found != kind:
            raise self.error(
                f"memakai nilai {_TYPE_ID[found]} di tempat yang butuh {_TYPE_ID[kind]}",
                f"uses a {found} value where a {kind} is needed",
            )
        return sql

    def _numeric(self, node: ast.AST) -> tuple[str, FieldType]:
        sql, kind = self.visit(node)
        if kind not in ("int", "float"):
            raise self.error(
                f"menghitung dengan nilai {_TYPE_ID[kind]}", f"does arithmetic on a {kind} value"
            )
        return sql, kind

    def _name(self, name: str) -> tuple[str, FieldType]:
        if name in self.fields:
            self.names.add(name)
            return f'"{name}"', self.fields[name].type
        if name in self.parameters:
            return _literal(self.parameters[name], self)
        if name.lower() in _WORDS:
            return _literal(_WORDS[name.lower()], self)
        raise self.error(
            f"menyebut `{name}`, yang bukan kolom atau parameter yang dikenal",
            f"names `{name}`, which is neither a known field nor a parameter",
        )

    def _compare(self, node: ast.Compare) -> str:
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(self._pair(left, op, right))
            left = right
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _pair(self, left: ast.AST, op: ast.cmpop, right: ast.AST) -> str:
        left_sql, left_kind = self.visit(left)
        if isinstance(op, ast.In | ast.NotIn):
            values = self._list(right)
            for value in values:
                self._check_value(left, left_kind, value)
            items = ", ".join(_literal(v, self)[0] for v in values)
            negate = "NOT " if isinstance(op, ast.NotIn) else ""
            return f"({left_sql} {negate}IN ({items}))"
        if type(op) not in _COMPARE:
            raise self.error(
                "memakai pembanding yang tidak didukung", "uses an unsupported operator"
            )
        right_sql, right_kind = self.visit(right)
        numeric = {"int", "float"}
        if not (left_kind == right_kind or {left_kind, right_kind} <= numeric):
            raise self.error(
                f"membandingkan nilai {_TYPE_ID[left_kind]} dengan nilai {_TYPE_ID[right_kind]}",
                f"compares a {left_kind} value with a {right_kind} value",
            )
        if left_kind == "bool" and type(op) not in (ast.Eq, ast.NotEq):
            raise self.error(
                "membandingkan ya/tidak dengan < atau >", "orders yes/no values with < or >"
            )
        for field, other in ((left, right), (right, left)):
            value = self._constant(other)
            if value is not None:
                self._check_value(field, left_kind, value)
        return f"({left_sql} {_COMPARE[type(op)]} {right_sql})"

    def _constant(self, node: ast.AST) -> object | None:
        """The value of a literal or a parameter, else None."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and node.id not in self.fields:
            return self.parameters.get(node.id)
        return None

    def _list(self, node: ast.AST) -> list[object]:
        if isinstance(node, ast.List | ast.Tuple) and all(
            isinstance(e, ast.Constant) for e in node.elts
        ):
            return [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if isinstance(node, ast.Name) and isinstance(self.parameters.get(node.id), list):
            return list(self.parameters[node.id])  # type: ignore[arg-type]
        raise self.error(
            "memakai `in` tanpa daftar nilai, misalnya [1, 2]",
            "uses `in` without a list of values such as [1, 2]",
        )

    def _check_value(self, left: ast.AST, kind: FieldType, value: object) -> None:
        value_kind = _kind_of(value)
        if not (value_kind == kind or {value_kind, kind} <= {"int", "float"}):
            raise self.error(
                f"membandingkan nilai {_TYPE_ID[kind]} dengan {value!r}",
                f"compares a {kind} value with {value!r}",
            )
        name = left.id if isinstance(left, ast.Name) and left.id in self.fields else ""
        bounds = self.fields[name].bounds if name else None
        if bounds and isinstance(value, int | float) and not bounds[0] <= value <= bounds[1]:
            raise self.error(
                f"memakai nilai {value!r} untuk `{name}`, di luar {bounds[0]}-{bounds[1]}",
                f"uses {value!r} for `{name}`, outside {bounds[0]}-{bounds[1]}",
            )
        allowed = self.fields[name].values if name else ()
        if allowed and value not in allowed:
            raise self.error(
                f"memakai nilai {value!r} untuk `{name}` (yang dikenal: {', '.join(allowed)})",
                f"uses {value!r} for `{name}` (known: {', '.join(allowed)})",
            )

    def _call(self, node: ast.Call) -> tuple[str, FieldType]:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in _FUNCTIONS or node.keywords or not node.args:
            raise self.error(
                "memanggil fungsi yang tidak dikenal (yang ada: min, max, round)",
                "calls an unknown function (known: min, max, round)",
            )
        args = [self._numeric(arg) for arg in node.args]
        if name == "round" and len(args) not in (1, 2):
            raise self.error("memanggil round dengan jumlah isian salah", "calls round wrongly")
        kind: FieldType = "float" if any(k == "float" for _, k in args) else "int"
        if name == "round":
            kind = args[0][1]
        return f"{_FUNCTIONS[name]}({', '.join(sql for sql, _ in args)})", kind


_TYPE_ID = {"int": "bilangan", "float": "bilangan", "bool": "ya/tidak", "text": "teks"}


def _kind_of(value: object) -> FieldType:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "text"


def _literal(value: object, compiler: _Compiler) -> tuple[str, FieldType]:
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), "bool"
    if isinstance(value, int | float):
        return repr(value), _kind_of(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'", "text"
    raise compiler.error(
        f"memakai nilai {value!r} yang tidak bisa dipakai di sini", f"uses {value!r} here"
    )
