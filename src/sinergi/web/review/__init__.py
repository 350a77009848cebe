"""The padanan review queue: uncertain pairs decided by reviewers, used by the next link."""
