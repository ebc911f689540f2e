"""Definitions of the link, join and carried-through specs printed into every supergraph."""

from __future__ import annotations

__all__ = ["JOIN_VERSIONS", "LINK_DEFINITIONS", "SECURITY_SPECS", "cost_link",
           "join_definitions", "spec_definitions"]

# join spec version per highest federation version among the subgraphs
# (https://specs.apollo.dev/join/v0.3 .. v0.5: v0.4 adds overrideLabel, v0.5 contextArguments).
JOIN_VERSIONS = {"v2.7": "v0.4", "v2.8": "v0.5", "v2.9": "v0.5", "v2.10": "v0.5",
                 "v2.11": "v0.5"}

LINK_DEFINITIONS = '''directive @link(url: String, as: String, for: link__Purpose,
  import: [link__Import]) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY
  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''

_TYPE_LOCATIONS = "OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR"

# spec name -> (link url, `for:` purpose, definitions)
SECURITY_SPECS: dict[str, tuple[str, str | None, str]] = {
    "context": ("https://specs.apollo.dev/context/v0.1", "SECURITY",
                "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION\n\n"
                "directive @context__fromContext(field: context__ContextFieldValue) on"
                " ARGUMENT_DEFINITION\n\nscalar context__ContextFieldValue"),
    "tag": ("https://specs.apollo.dev/tag/v0.3", None,
            "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE"
            " | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT"
            " | INPUT_FIELD_DEFINITION | SCHEMA"),
    "cost": ("https://specs.apollo.dev/cost/v0.1", None, ""),
    "inaccessible": ("https://specs.apollo.dev/inaccessible/v0.2", "SECURITY",
                     "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION"
                     " | ENUM | ENUM_VALUE | SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
                     " | ARGUMENT_DEFINITION"),
    "policy": ("https://specs.apollo.dev/policy/v0.1", "SECURITY",
               "directive @policy(policies: [[policy__Policy!]!]!) on ENUM | FIELD_DEFINITION"
               " | INTERFACE | OBJECT | SCALAR\n\nscalar policy__Policy"),
    "requiresScopes": ("https://specs.apollo.dev/requiresScopes/v0.1", "SECURITY",
                       "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on"
                       " FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n\n"
                       "scalar requiresScopes__Scope"),
    "authenticated": ("https://specs.apollo.dev/authenticated/v0.1", "SECURITY",
                      "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE"
                      " | SCALAR | ENUM"),
}


def cost_definitions(names: dict[str, str]) -> str:
    """The cost spec (https://specs.apollo.dev/cost/v0.1), linked whole, under its local names."""
    return (f"directive @{names['cost']}(weight: Int!) on ARGUMENT_DEFINITION | ENUM"
            " | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR\n\n"
            f"directive @{names['listSize']}(assumedSize: Int, slicingArguments: [String!],"
            " sizedFields: [String!], requireOneSlicingArgument: Boolean = true)"
            " on FIELD_DEFINITION")


def cost_link(names: dict[str, str], list_size_used: bool) -> str:
    """`@link` of the cost spec; renamed directives are imported under their local name."""
    imports = []
    if names["cost"] != "cost":
        imports.append(f'{{ name: "@cost", as: "@{names["cost"]}" }}')
    if list_size_used:
        local = names["listSize"]
        imports.append('"@listSize"' if local == "listSize"
                       else f'{{ name: "@listSize", as: "@{local}" }}')
    extra = f", import: [{', '.join(imports)}]" if imports else ""
    return f'@link(url: "{SECURITY_SPECS["cost"][0]}"{extra})'


def join_definitions(join_version: str) -> str:
    """The join spec directives for one version."""
    field_args = ["graph: join__Graph", "requires: join__FieldSet", "provides: join__FieldSet",
                  "type: String", "external: Boolean", "override: String",
                  "usedOverridden: Boolean"]
    extra = ""
    if join_version >= "v0.4":
        field_args.append("overrideLabel: String")
    if join_version >= "v0.5":
        field_args.append("contextArguments: [join__ContextArgument!]")
        extra = ("input join__ContextArgument {\n  name: String!\n  type: String!\n"
                 "  context: String!\n  selection: join__FieldValue!\n}\n\n"
                 "scalar join__FieldValue\n\n")
    return "\n\n".join([
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        f"directive @join__field({', '.join(field_args)}) repeatable on FIELD_DEFINITION"
        " | INPUT_FIELD_DEFINITION",
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable"
        " on OBJECT | INTERFACE",
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean!"
        " = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)"
        f" repeatable on {_TYPE_LOCATIONS}",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable"
        " on UNION",
        extra + "scalar join__FieldSet",
    ])


def spec_definitions(join_version: str, used: list[str], cost_names: dict[str, str]) -> str:
    """Every spec definition block for the specs in use, in a fixed order."""
    blocks = [join_definitions(join_version), LINK_DEFINITIONS]
    for name in SECURITY_SPECS:
        if name not in used:
            continue
        text = cost_definitions(cost_names) if name == "cost" else SECURITY_SPECS[name][2]
        blocks.append(text)
    return "\n\n".join(blocks)
