"""The rows of a YAML file: a list of trainings (or a 'trainings:' list), no anchors or aliases."""

from __future__ import annotations

from typing import Any

import yaml

from bot.services.catalogue.limits import UNREADABLE, ImportFileError, printable

YamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present

def yaml_rows(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    """Parsed once, by the safe loader: nodes first (aliases refused), then each training built on its own."""
    loader = YamlLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            raise ImportFileError(f"{name}: not valid YAML: {_one_line(error)}") from None
        except RecursionError:
            raise ImportFileError(f"{name}: not valid YAML: nested too deeply") from None
        items = _training_nodes(root)
        if items is None:
            raise ImportFileError(f"{name}: expected a list of trainings (or a 'trainings:' list)")
        assert root is not None
        _refuse_aliases(name, root)
        return [(node.start_mark.line + 1, _construct(loader, node)) for node in items]
    finally:
        loader.dispose()


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f" (line {mark.line + 1})" if mark is not None else ""
    return printable(" ".join(str(problem).split()))[:200] + where


def _training_nodes(root: yaml.Node | None) -> list[yaml.Node] | None:
    """The item nodes of the top-level list, or of the top-level mapping's 'trainings' list."""
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "trainings"), None)
    return list(root.value) if isinstance(root, yaml.SequenceNode) else None


def _refuse_aliases(name: str, root: yaml.Node) -> None:
    """An alias is the same node met twice: refused, so a small file cannot expand to a huge one."""
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ImportFileError(f"{name}:{node.start_mark.line + 1}: YAML anchors and aliases (&, *) are not allowed")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[Any, Any]:
    """One training's values, built by the safe constructor one value at a time: a value it refuses (an
    unknown tag such as !!python/object, an integer too long to convert) makes that row invalid, not the file."""
    if not isinstance(node, yaml.MappingNode):
        return {UNREADABLE: ["a row must be a mapping of column names to values"]}
    row: dict[Any, Any] = {}
    problems: list[str] = []
    for key_node, value_node in node.value:
        try:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
            row[key] = value
        except yaml.YAMLError as error:
            problems.append(f"a value cannot be read: {_one_line(error)}")
        except (ValueError, TypeError, RecursionError) as error:  # TypeError: an unhashable key
            problems.append(f"a value cannot be read ({type(error).__name__}, line {value_node.start_mark.line + 1})")
    if problems:
        row[UNREADABLE] = problems
    return row
