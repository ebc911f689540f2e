"""Build one small Federation v2 subgraph set and its world from a source of choices.

Every entity object has a globally unique `id` and a value for each of its fields; each
subgraph declares a projection of that world: keys (several, compound, nested, non-resolvable),
`@shareable` fields and roots, `@override`, `@inaccessible`, `@provides` and `@requires` over
`@external` fields (with arguments and nested selections), entity interfaces with
`@interfaceObject`, value interfaces and unions whose members differ per subgraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import Choices
from .model import FieldDecl, GeneratedCase, TypeDecl, World

__all__ = ["build_case"]

SUBGRAPHS = ("a", "b", "c", "d")
DATA_FIELDS = (("f0", "String"), ("f1", "Int"), ("f2", "String"))  # one type per name
KEY_FIELDS = {"id": "ID!", "sku": "String!", "loc": "Loc!"}


@dataclass
class DataField:
    """A field of an entity's world objects and who declares and resolves it."""

    name: str
    type: str
    args: str = ""
    declarers: list[str] = field(default_factory=list)
    resolvers: list[str] = field(default_factory=list)
    entity: str | None = None  # the referenced entity type, for reference fields


class Builder:
    """Accumulates declarations per subgraph while the world is filled in."""

    def __init__(self, c: Choices, name: str) -> None:
        self.c = c
        self.name = name
        self.subs = list(SUBGRAPHS[: c.integer(2, 4)])
        self.decls: dict[str, dict[str, TypeDecl]] = {s: {} for s in self.subs}
        self.keys: dict[tuple[str, str], dict[str, bool]] = {}  # (sub, type) -> key -> resolvable
        self.world = World()
        self.entities: list[str] = []
        self.home: dict[str, str] = {}
        self.fields: dict[str, dict[str, DataField]] = {}
        self.inaccessible_sku = False

    # --- declarations ----------------------------------------------------------------------

    def decl(self, sub: str, name: str, kind: str = "type") -> TypeDecl:
        return self.decls[sub].setdefault(name, TypeDecl(kind, name))

    def present(self, entity: str) -> list[str]:
        return [s for s in self.subs if (s, entity) in self.keys]

    def declare(self, sub: str, type_name: str, decl: FieldDecl) -> bool:
        """Add a field unless the subgraph already declares it; False when it does."""
        fields = self.decl(sub, type_name).fields
        if decl.name in fields:
            return False
        fields[decl.name] = decl
        return True

    def add_key(self, sub: str, entity: str, key: str, resolvable: bool = True) -> None:
        keys = self.keys.setdefault((sub, entity), {})
        keys[key] = keys.get(key, False) or resolvable
        for name in key.replace("{", " ").replace("}", " ").split():
            if name in KEY_FIELDS:
                marks = ["@inaccessible"] if name == "sku" and self.inaccessible_sku else []
                self.declare(sub, entity, FieldDecl(name, KEY_FIELDS[name], directives=marks))
        if "loc" in key:
            loc = self.decl(sub, "Loc")
            loc.directives = ["@shareable"]
            loc.fields = {"code": FieldDecl("code", "String!"), "zone": FieldDecl("zone", "Int")}

    def ensure_resolvable(self, sub: str, entity: str) -> None:
        self.add_key(sub, entity, "id", True)

    # --- the shapes ------------------------------------------------------------------------

    def entity(self, index: int) -> None:
        c, name = self.c, f"T{index}"
        self.entities.append(name)
        home = self.home[name] = c.pick(self.subs)
        present = [home, *c.subset([s for s in self.subs if s != home], 0.5)]
        options = ["id"]
        if c.chance(0.4):
            options += ["sku", "id sku"]
        if c.chance(0.25):
            options.append("loc { code }")
        for sub in present:
            # The home subgraph has every key, so each other subgraph can be reached from it.
            keys = options if sub == home else c.subset(options, 0.4) or [c.pick(options)]
            for key in keys:
                self.add_key(sub, name, key)
        for j in range(c.integer(2, 3)):
            oid = f"{name}-{j}"
            self.world.objects[oid] = {"__typename": name, "id": oid, "sku": f"sku-{oid}",
                                       "loc": {"code": f"L-{oid}", "zone": j}}
        self.fields[name] = {}
        for fname, base in c.subset(DATA_FIELDS, 0.7) or [DATA_FIELDS[0]]:
            self.data_field(name, fname, base, present)

    def data_field(self, entity: str, fname: str, base: str, present: list[str]) -> None:
        c = self.c
        args = "(x: Int = 1)" if c.chance(0.2) else ""
        owner = c.pick(present)
        others = [s for s in present if s != owner]
        declarers, resolvers, marks = [owner], [owner], {owner: []}
        mode = c.pick(["single", "single", "shared", "override"]) if others else "single"
        if mode == "shared":
            extra = c.subset(others, 0.6) or [c.pick(others)]
            declarers += extra
            resolvers += extra
            marks = {s: ["@shareable"] for s in declarers}
        elif mode == "override":
            new = c.pick(others)
            declarers.append(new)
            resolvers = [new]
            marks[new] = [f'@override(from: "{owner}")']
        inaccessible = c.chance(0.1)
        non_null = False
        for sub in declarers:
            strict = mode == "shared" and c.chance(0.35)
            non_null = non_null or strict
            directives = marks[sub] + (["@inaccessible"] if inaccessible else [])
            self.declare(sub, entity, FieldDecl(fname, base + ("!" if strict else ""), args,
                                                directives))
        self.fields[entity][fname] = DataField(fname, base, args, declarers, resolvers)
        for oid in self.world.ids_of({entity}):
            self.world.objects[oid][fname] = self.value(oid, fname, base, non_null)

    def value(self, oid: str, fname: str, base: str, non_null: bool) -> object:
        if not non_null and self.c.chance(0.15):
            return None
        if base == "Int":
            return sum(map(ord, oid + fname)) % 97
        return f"{oid}.{fname}"

    def interface(self) -> None:
        c = self.c
        impls = c.subset(self.entities, 0.6)
        if len(impls) < 2:
            return
        self.world.implementers["I0"] = impls
        if c.chance(0.6):
            self.entity_interface(impls)
            return
        declarers = []
        for sub in self.subs:
            known = [t for t in impls if (sub, t) in self.keys]
            if not known:
                continue
            declarers.append(sub)
            self.decl(sub, "I0", "interface").fields = {"id": FieldDecl("id", "ID!")}
            for t in known:
                self.decl(sub, t).implements.append("I0")
        if declarers:
            self.root(c.pick(declarers), "i0s", "[I0]", self.world.ids_of(set(impls)))

    def entity_interface(self, impls: list[str]) -> None:
        c = self.c
        home = c.pick(self.subs)
        iface = self.decl(home, "I0", "interface")
        iface.directives = ['@key(fields: "id")']
        iface.fields = {"id": FieldDecl("id", "ID!"), "label": FieldDecl("label", "String")}
        for t in impls:
            self.ensure_resolvable(home, t)
            self.decl(home, t).implements.append("I0")
            self.declare(home, t, FieldDecl("label", "String"))
        for oid in self.world.ids_of(set(impls)):
            self.world.objects[oid]["label"] = f"{oid}.label"
            for sub in self.subs:
                self.world.objects[oid][f"x{sub}"] = f"{oid}.x{sub}"
        self.root(home, "i0s", "[I0]", self.world.ids_of(set(impls)))
        self.root(home, "i0", "I0", None, by_id=True)
        for sub in self.subs:
            if sub == home or not c.chance(0.5):
                continue
            obj = self.decl(sub, "I0")
            obj.directives = ['@key(fields: "id")', "@interfaceObject"]
            obj.fields = {"id": FieldDecl("id", "ID!"), f"x{sub}": FieldDecl(f"x{sub}", "String")}
            if c.chance(0.5):
                self.root(sub, f"io{sub}", "[I0]", self.world.ids_of(set(impls)))

    def union(self) -> None:
        c = self.c
        members = c.subset(self.entities, 0.6)
        if len(members) < 2:
            return
        declarers = []
        for sub in self.subs:
            known = [t for t in members if (sub, t) in self.keys]
            if known and c.chance(0.7):
                self.decl(sub, "U0", "union").members = known
                declarers.append(sub)
        if declarers:
            self.root(c.pick(declarers), "u0s", "[U0]", self.world.ids_of(set(members)))

    def reference(self, entity: str, index: int) -> None:
        c = self.c
        sub = c.pick(self.present(entity))
        targets = [t for t in self.entities]
        if "U0" in self.decls[sub]:
            targets.append("U0")
        if "I0" in self.decls[sub]:
            targets.append("I0")
        target = c.pick(targets)
        many = c.chance(0.5)
        fname = f"r{index}"
        directives = []
        if target in self.entities:
            if (sub, target) not in self.keys:
                self.add_key(sub, target, "id", c.chance(0.5))
            provided = self.provided(sub, target)
            if provided:
                directives.append(f'@provides(fields: "{" ".join(provided)}")')
            pool = self.world.ids_of({target})
        else:
            members = (self.world.implementers.get("I0", []) if target == "I0"
                       else self.decl(sub, "U0", "union").members)
            pool = self.world.ids_of(set(members))
            if target == "U0":  # @provides through fragments on the members sub knows
                fragments = [f"... on {m} {{ {' '.join(fields)} }}"
                             for m in members if (fields := self.provided(sub, m))]
                if fragments:
                    directives.append(f'@provides(fields: "{" ".join(fragments)}")')
        gql_type = f"[{target}]" if many else target
        if not self.declare(sub, entity, FieldDecl(fname, gql_type, directives=directives)):
            return
        self.fields[entity][fname] = DataField(fname, gql_type, "", [sub], [sub], target)
        for oid in self.world.ids_of({entity}):
            if many:
                self.world.objects[oid][fname] = c.subset(pool, 0.5)
            else:
                self.world.objects[oid][fname] = None if c.chance(0.2) else c.pick(pool)

    def provided(self, sub: str, target: str) -> list[str]:
        """Fields of `target` that `sub` declares @external and provides on a reference."""
        c = self.c
        candidates = [f for f in self.fields[target].values()
                      if not f.args and f.entity is None and f.declarers == f.resolvers
                      and sub not in f.declarers and len(f.declarers) >= 1]
        chosen = c.subset(candidates, 0.5) if c.chance(0.4) else []
        for f in chosen:
            self.declare(sub, target, FieldDecl(f.name, f.type, directives=["@external"]))
            for owner in f.declarers:
                decl = self.decls[owner][target].fields[f.name]
                if "@shareable" not in decl.directives:
                    decl.directives.insert(0, "@shareable")
        return [f.name for f in chosen]

    def requires(self, entity: str, sub: str, index: int) -> None:
        c = self.c
        elsewhere = [f for f in self.fields[entity].values()
                     if sub not in f.declarers and f.declarers == f.resolvers]
        chosen = c.subset(elsewhere, 0.5)[:2]
        parts = []
        for f in chosen:
            if f.entity == "I0":
                continue
            if f.entity is not None:
                member = f.entity
                if f.entity == "U0":  # a fragment on one member of the union
                    member = c.pick(self.world_members("U0"))
                nested = [g for g in self.fields[member].values()
                          if g.entity is None and not g.args and sub not in g.declarers]
                if not nested:
                    continue
                g = c.pick(nested)
                if (sub, member) not in self.keys:
                    self.add_key(sub, member, "id", False)
                if f.entity == "U0":
                    union = self.decl(sub, "U0", "union")
                    union.members += [] if member in union.members else [member]
                self.declare(sub, member, FieldDecl(g.name, g.type, directives=["@external"]))
                self.declare(sub, entity, FieldDecl(f.name, f.type, directives=["@external"]))
                inner = f"... on {member} {{ {g.name} }}" if f.entity == "U0" else g.name
                parts.append(f"{f.name} {{ {inner} }}")
                continue
            self.declare(sub, entity, FieldDecl(f.name, f.type, f.args, ["@external"]))
            parts.append(f"{f.name}(x: 2)" if f.args else f.name)
        if parts:
            self.ensure_resolvable(sub, entity)
            fields = " ".join(parts).replace('"', '\\"')
            self.declare(sub, entity, FieldDecl(f"q{sub}{index}", "String",
                                                directives=[f'@requires(fields: "{fields}")']))

    def world_members(self, union: str) -> list[str]:
        return sorted({t for s in self.subs if union in self.decls[s]
                       for t in self.decls[s][union].members})

    def root(self, sub: str, name: str, gql_type: str, value: object, by_id: bool = False,
             shareable: bool = False) -> None:
        args = "(id: ID!)" if by_id else ""
        marks = ["@shareable"] if shareable else []
        self.declare(sub, "Query", FieldDecl(name, gql_type, args, marks))
        if not by_id:
            self.world.roots[name] = value

    def roots(self, entity: str, index: int) -> None:
        c = self.c
        present = self.present(entity)
        holders = [self.home[entity], *c.subset([s for s in present if s != self.home[entity]],
                                                0.3)]
        for sub in holders:
            self.root(sub, f"t{index}", entity, None, by_id=True, shareable=len(holders) > 1)
        if c.chance(0.6):
            holders = c.subset(present, 0.4) or [c.pick(present)]
            for sub in holders:
                self.root(sub, f"all{index}", f"[{entity}]", self.world.ids_of({entity}),
                          shareable=len(holders) > 1)

    def finish(self) -> GeneratedCase:
        for (sub, entity), keys in self.keys.items():
            decl = self.decl(sub, entity)
            marks = [f'@key(fields: "{k}")' if ok else f'@key(fields: "{k}", resolvable: false)'
                     for k, ok in keys.items()]
            decl.directives = marks + [d for d in decl.directives if not d.startswith("@key")]
        for sub, types in self.decls.items():
            if "Query" in types:  # roots first, for readable SDL
                self.decls[sub] = {"Query": types["Query"],
                                   **{k: v for k, v in types.items() if k != "Query"}}
        return GeneratedCase.declared(self.name, self.decls, self.world)


def build_case(c: Choices, name: str) -> GeneratedCase:
    """One subgraph set with its world, every choice taken from `c`."""
    b = Builder(c, name)
    b.inaccessible_sku = c.chance(0.15)
    for i in range(c.integer(2, 4)):
        b.entity(i)
    if c.chance(0.5):
        b.interface()
    if c.chance(0.5):
        b.union()
    refs = 0
    for entity in list(b.entities):
        for _ in range(c.integer(0, 2)):
            b.reference(entity, refs)
            refs += 1
    requires = 0
    for entity in b.entities:
        for sub in b.present(entity):
            if c.chance(0.3):
                b.requires(entity, sub, requires)
                requires += 1
    for i, entity in enumerate(b.entities):
        b.roots(entity, i)
    return b.finish()
