"""Plotly's stylesheet as a file: plotly.js injects it inline, which the strict CSP blocks.

The rules are read from the installed ``plotly.min.js`` itself (its ``plotcss``
table and the stylesheets bundled libraries add by element id), so they always
match the plotly.js version the site serves. The page links the file once under
each id plotly.js checks before it injects a copy of its own
(``{% plotly_styles %}``), so nothing is injected and nothing is blocked.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import plotly
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# The rule table starts at its first selector and ends at the object's closing brace.
TABLE = re.compile(r'\{"X,X div":.*?\}(?=;for\()', re.DOTALL)
RULE = re.compile(r"""(?:"([^"]+)"|([A-Za-z]\w*)):(?:'([^']*)'|"([^"]*)")""")
PLACEHOLDERS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}
# A bundled library's stylesheet: injected unless an element with its id exists.
BUNDLED = re.compile(
    r'document\.getElementById\("(\w+)"\)\)\{var e=document\.createElement\("style"\);'
    r"e\.id=\"\1\",e\.textContent='([^']*)'"
)
GLOBAL_ID = "plotly.js-style-global"


@lru_cache(maxsize=1)
def stylesheet(bundle: Path = BUNDLE) -> str:
    """The CSS rules plotly.js would inject, as a stylesheet."""
    source = bundle.read_text("utf-8")
    found = TABLE.search(source)
    if found is None:
        raise LookupError(f"no style table in {bundle}")
    rules = []
    for quoted, bare, single, double in RULE.findall(found.group(0)):
        selector = quoted or bare
        for placeholder, real in PLACEHOLDERS.items():
            selector = selector.replace(placeholder, real)
        rules.append(f"{selector} {{{single or double}}}")
    rules += [css for _, css in BUNDLED.findall(source)]
    return "\n".join(rules) + "\n"


@lru_cache(maxsize=1)
def element_ids(bundle: Path = BUNDLE) -> list[str]:
    """The ids under which plotly.js looks for its stylesheets before injecting them."""
    return [GLOBAL_ID, *(key for key, _ in BUNDLED.findall(bundle.read_text("utf-8")))]


@require_GET
@cache_control(public=True, max_age=86400)
def plotly_stylesheet(request: HttpRequest) -> HttpResponse:
    return HttpResponse(stylesheet(), content_type="text/css; charset=utf-8")
