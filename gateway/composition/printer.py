"""Print the supergraph SDL: link and join specs, then every merged type with join directives."""

from __future__ import annotations

from graphql import StringValueNode, print_ast

from .carried import Carried
from .directives import executable_directives
from .joins import JoinArgs, graph_enum, join_fields, join_types
from .specs import JOIN_VERSIONS, SECURITY_SPECS, cost_link, spec_definitions
from .supergraph_model import Merged, SArg, SField, SType
from .usage import field_usage

__all__ = ["print_supergraph"]

_BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def print_supergraph(merged: Merged) -> str:
    """Deterministic supergraph text: the same merged input always prints the same bytes."""
    carried = Carried(merged.composed, _cost_names(merged))
    usage = field_usage(merged.subgraphs)
    # types first: printing them records which carried specs the schema must link
    types = [_type(merged, t, usage, carried) for t in merged.types.values()
             if t.name not in _BUILTIN_SCALARS]
    composed = [print_ast(d) for d in merged.composed.values()]
    composed += executable_directives(merged.subgraphs, set(merged.composed))
    join_version = JOIN_VERSIONS.get(_max_version(merged), "v0.3")
    head = [_schema(merged, join_version, carried),
            spec_definitions(join_version, _used(carried), _declared_cost_names(carried)),
            _graph_enum(merged)]
    return "\n\n".join(head + composed + types) + "\n"


def _cost_names(merged: Merged) -> dict[str, str]:
    """The first subgraph applying a cost directive names it in the supergraph."""
    names: dict[str, str] = {}
    for graph in merged.subgraphs.values():
        for local, canonical in sorted(graph.used.items()):
            if canonical in ("cost", "listSize"):
                names.setdefault(canonical, local)
    return {"cost": "cost", "listSize": "listSize"} | names


def _declared_cost_names(carried: Carried) -> dict[str, str]:
    """`@listSize` is only imported when applied; otherwise the link spec names the cost spec's
    directive `@cost__listSize` (https://specs.apollo.dev/link/v1.0, prefixed names)."""
    if "cost.listSize" in carried.used:
        return carried.cost_names
    return carried.cost_names | {"listSize": "cost__listSize"}


def _used(carried: Carried) -> list[str]:
    return [name for name in SECURITY_SPECS if name in carried.used]


def _max_version(merged: Merged) -> str:
    versions = [g.version for g in merged.subgraphs.values()]
    return max(versions, key=lambda v: tuple(int(p) for p in v[1:].split(".")))


def _schema(merged: Merged, join_version: str, carried: Carried) -> str:
    links = ['@link(url: "https://specs.apollo.dev/link/v1.0")',
             f'@link(url: "https://specs.apollo.dev/join/{join_version}", for: EXECUTION)']
    for name in _used(carried):
        url, purpose, _ = SECURITY_SPECS[name]
        if name == "cost":
            links.append(cost_link(carried.cost_names, "cost.listSize" in carried.used))
            continue
        links.append(f'@link(url: "{url}"' + (f", for: {purpose}" if purpose else "") + ")")
    links += _composed_links(merged)
    roots = [f"  {op}: {name}" for op, name in
             (("query", "Query"), ("mutation", "Mutation"), ("subscription", "Subscription"))
             if name in merged.types]
    return "schema " + " ".join(links) + " {\n" + "\n".join(roots) + "\n}"


def _composed_links(merged: Merged) -> list[str]:
    """The `@link`s that import `@composeDirective`d directives (Federation v2.1)."""
    seen: dict[str, str] = {}
    for graph in merged.subgraphs.values():
        for url, arguments in graph.links:
            imports = [print_ast(a.value) for a in arguments if a.name.value == "import"]
            names = " ".join(imports)
            if any(f'"@{c}"' in names or f"@{c}" in names for c in merged.composed):
                args = ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in arguments)
                seen.setdefault(url, f"@link({args})")
    return list(seen.values())


def _graph_enum(merged: Merged) -> str:
    values = [f'  {graph_enum(g.name)} @join__graph(name: "{g.name}", url: "{g.url}")'
              for g in merged.subgraphs.values()]
    return "enum join__Graph {\n" + "\n".join(values) + "\n}"


def _join(name: str, args: JoinArgs) -> str:
    parts = []
    for key, value in args.items():
        if value is None:
            continue
        if key == "graph":
            parts.append(f"graph: {graph_enum(str(value))}")
        elif isinstance(value, bool):
            parts.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, list):
            items = ["{" + ", ".join(f"{k}: {_string(v)}" for k, v in item.items()) + "}"
                     for item in value]
            parts.append(f"{key}: [{', '.join(items)}]")
        else:
            parts.append(f"{key}: {_string(str(value))}")
    return f"@{name}({', '.join(parts)})" if parts else f"@{name}"


def _string(text: str) -> str:
    return print_ast(StringValueNode(value=text))


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    # always the multi-line block form, as graphql-js prints supergraph descriptions
    block = '"""\n' + text.replace('"""', '\\"""') + '\n"""'
    return "\n".join(indent + line if line else line for line in block.split("\n")) + "\n"


def _merged_description(elements) -> str | None:
    """The description most subgraphs give (the first of equally common ones); an external
    copy describes nothing (Federation v2 composition: descriptions)."""
    given = [e.description for e in elements if e.description and not e.has("external")]
    counts = {d: given.count(d) for d in dict.fromkeys(given)}
    return max(counts, key=lambda d: counts[d]) if counts else None


def _type(merged: Merged, stype: SType, usage, carried: Carried) -> str:
    elements = list(stype.by_graph.values())
    types = join_types(merged, stype, usage)
    directives = [_join("join__type", t) for t in types]
    directives += _membership(stype)
    directives += carried.directives(elements)
    directives += _contexts(stype, carried)
    keyword = {"object": "type", "interface": "interface", "union": "union", "enum": "enum",
               "input": "input", "scalar": "scalar"}[stype.kind]
    header = f"{keyword} {stype.name}"
    if stype.interfaces and stype.kind in ("object", "interface"):
        header += " implements " + " & ".join(stype.interfaces)
    header += "".join(" " + d for d in directives)
    body = _body(merged, stype, usage, carried, types)
    return _description(_merged_description(elements), "") + header + body


def _contexts(stype: SType, carried: Carried) -> list[str]:
    """`@context(name:)` namespaced by subgraph, as join contextArguments refer to it."""
    out = []
    for graph, typedef in stype.by_graph.items():
        for application in typedef.fed.get("context", []):
            name = getattr(application.get("name"), "value", "")
            out.append(f"@context(name: {_string(f'{graph}__{name}')})")
    if out:
        carried.used.add("context")
    return out


def _membership(stype: SType) -> list[str]:
    out = []
    for graph, typedef in stype.by_graph.items():
        if stype.kind in ("object", "interface"):
            out += [_join("join__implements", {"graph": graph, "interface": i})
                    for i in typedef.interfaces]
        elif stype.kind == "union":
            out += [_join("join__unionMember", {"graph": graph, "member": m})
                    for m in typedef.members]
    return out


def _body(merged: Merged, stype: SType, usage, carried: Carried, types: list[JoinArgs]) -> str:
    if stype.kind == "union":
        return " = " + " | ".join(stype.members) if stype.members else ""
    if stype.kind == "scalar":
        return ""
    if stype.kind == "enum":
        lines = [_enum_value(name, by_graph, carried) for name, by_graph in stype.values.items()]
    elif stype.kind == "input":
        lines = [_input_field(a, carried) for a in stype.inputs.values()]
    else:
        lines = [_field(merged, stype, f, usage, carried, types) for f in stype.fields.values()]
    return " {\n" + "\n".join(lines) + "\n}"


def _enum_value(name: str, by_graph: dict, carried: Carried) -> str:
    directives = [_join("join__enumValue", {"graph": g}) for g in by_graph]
    directives += carried.directives(list(by_graph.values()))
    text = _description(_merged_description(by_graph.values()), "  ")
    return text + f"  {name}" + "".join(" " + d for d in directives)


def _input_field(arg: SArg, carried: Carried) -> str:
    differs = any(a.type != arg.type for a in arg.by_graph.values())
    directives = [_join("join__field", {"graph": g, "type": a.type})
                  for g, a in arg.by_graph.items()] if differs else []
    return _argument(arg, carried, "  ", directives)


def _argument(arg: SArg, carried: Carried, indent: str, joins: list[str] | None = None) -> str:
    text = _description(_merged_description(arg.by_graph.values()), indent)
    text += f"{indent}{arg.name}: {arg.type}"
    if arg.default is not None:
        text += f" = {arg.default}"
    directives = (joins or []) + carried.directives(list(arg.by_graph.values()))
    return text + "".join(" " + d for d in directives)


def _field(merged: Merged, stype: SType, sfield: SField, usage, carried: Carried,
           types: list[JoinArgs]) -> str:
    elements = list(sfield.by_graph.values())
    text = _description(_merged_description(elements), "  ") + f"  {sfield.name}"
    if sfield.args:
        args = [_argument(a, carried, "    ") for a in sfield.args.values()]
        text += "(\n" + "\n".join(args) + "\n  )"
    text += f": {sfield.type}"
    joins = [_join("join__field", j)
             for j in join_fields(merged, stype, sfield, usage, types)]
    directives = joins + carried.directives(elements)
    return text + "".join(" " + d for d in directives)
