# ruff: noqa: E501
"""Plans for the cases that break planners in practice (PLANNER.md), compared as printed text."""

from __future__ import annotations

from gateway.plan import print_plan
from tests.gateway.planner.planning import fetches, plan, printed


def test_chain_of_different_keys_goes_a_to_b_by_id_then_b_to_c_by_nested_compound_key():
    # given only b knows both keys: a -> b by `id`, b -> c by `sku { code region }`
    plan = printed("key_chain", "{ products { name weight } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { name __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename sku { code region } } } }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "c") {
        ... on Product { sku { code region } }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename weight } } }
      }
    }
  }
}"""
    )


def test_requires_with_arguments_is_fetched_first_under_an_internal_alias_and_sent_in_the_representation():
    # given the client's own `weight` (default unit) must not collide with the required `weight(unit: "LB")`
    plan = printed("requires_args", "{ products { weight shipping stock } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { weight __typename id __internal_weight: weight(unit: "LB") } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        ... on Product { id __internal_weight: weight }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename shipping stock } } }
      }
    }
  }
}"""
    )


def test_circular_requires_across_two_subgraphs_orders_three_fetches():
    # given a.c requires b, b.b requires a: a (a) -> b (b) -> a (c)
    plan = printed("circular_requires", "{ product { c } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { product { __typename id a } }
    },
    Flatten(path: "product") {
      Fetch(service: "b") {
        ... on Product { id a }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename b } } }
      }
    },
    Flatten(path: "product") {
      Fetch(service: "a") {
        ... on Product { id b }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename c } } }
      }
    }
  }
}"""
    )


def test_provides_under_an_interface_and_a_union_skips_the_jump_only_for_the_provided_type():
    # given feed provides Book.title, items provides Movie.title: the other member jumps to b
    # (both jumps in one request to b, each with its own representations)
    plan = printed(
        "provides_abstract",
        "{ feed { id title } items { ... on Book { title } ... on Movie { title } } }",
    )
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { feed { __typename id ... on Book { title } ... on Movie { __typename id } } items { __typename ... on Book { __typename id } ... on Movie { title } } }
    },
    Batch(service: "b") {
      query($r0: [_Any!]!, $r1: [_Any!]!) { _e0: _entities(representations: $r0) { ... on Movie { __typename title } } _e1: _entities(representations: $r1) { ... on Book { __typename title } } }
      _e0: Flatten(path: "feed.@") {
        Fetch(service: "b") {
          ... on Movie { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Movie { __typename title } } }
        }
      },
      _e1: Flatten(path: "items.@") {
        Fetch(service: "b") {
          ... on Book { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename title } } }
        }
      }
    }
  }
}"""
    )


def test_union_members_that_differ_per_subgraph_never_reach_a_subgraph_that_lacks_them():
    # given a's Result has no Song, b's has no Movie: those fragments are dropped per subgraph
    plan = printed(
        "unions_differ",
        "{ search { ... on Book { title pages } ... on Movie { director } ... on Song { artist } } recommended { __typename ... on Book { title } ... on Song { artist } } }",
    )
    assert (
        plan
        == """QueryPlan {
  Parallel {
    Sequence {
      Fetch(service: "a") {
        { search { __typename ... on Book { title __typename id } ... on Movie { director } } }
      },
      Flatten(path: "search.@") {
        Fetch(service: "b") {
          ... on Book { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename pages } } }
        }
      }
    },
    Sequence {
      Fetch(service: "b") {
        { recommended { __typename ... on Book { __typename id } ... on Song { artist } } }
      },
      Flatten(path: "recommended.@") {
        Fetch(service: "a") {
          ... on Book { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename title } } }
        }
      }
    }
  }
}"""
    )


def test_interface_object_field_is_one_jump_with_the_interface_name_for_every_implementation():
    # given b adds `reviews` to every Media through @interfaceObject
    plan = printed("interface_object", "{ media { title reviews ... on Book { pages } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { media { __typename title id ... on Book { pages } } }
    },
    Flatten(path: "media.@") {
      Fetch(service: "b") {
        ... on Media { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __internal_typename: __typename reviews } } }
      }
    }
  }
}"""
    )


def test_interface_object_root_gets_concrete_typename_and_fragments_from_the_interface_owner():
    # given b answers __typename "Media": the real type and Book fields come from a
    plan = printed("interface_object", "{ topMedia { reviews __typename ... on Book { pages } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "b") {
      { topMedia { __internal_typename: __typename reviews id } }
    },
    Flatten(path: "topMedia") {
      Fetch(service: "a") {
        ... on Media { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __typename ... on Book { pages } } } }
      }
    }
  }
}"""
    )


def test_non_resolvable_interface_object_key_still_lets_its_graph_jump_out_in_parallel():
    # given c's Media key is resolvable: false, so nothing jumps into c; c jumps to a and b
    plan = printed("interface_object", "{ shelf { items { id title reviews } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "c") {
      { shelf { items { __internal_typename: __typename id } } }
    },
    Parallel {
      Flatten(path: "shelf.items.@") {
        Fetch(service: "a") {
          ... on Media { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __typename title } } }
        }
      },
      Flatten(path: "shelf.items.@") {
        Fetch(service: "b") {
          ... on Media { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __internal_typename: __typename reviews } } }
        }
      }
    }
  }
}"""
    )


def test_interface_extended_only_indirectly_resolves_type_conditions_through_the_owner():
    # given c knows Media only as an object: `... on Movie` is asked of a
    plan = printed(
        "interface_object", "{ shelf { items { __typename ... on Movie { minutes } } } }"
    )
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "c") {
      { shelf { items { __internal_typename: __typename id } } }
    },
    Flatten(path: "shelf.items.@") {
      Fetch(service: "a") {
        ... on Media { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __typename ... on Movie { minutes } } } }
      }
    }
  }
}"""
    )


def test_override_on_a_type_implementing_an_interface_jumps_for_that_type_only():
    # given Book.title moved from a to b; Node stays in a
    plan = printed("override_interface", "{ nodes { id ... on Book { title stock } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { nodes { __typename id ... on Book { __typename id stock } } }
    },
    Flatten(path: "nodes.@") {
      Fetch(service: "b") {
        ... on Book { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { __typename title } } }
      }
    }
  }
}"""
    )


def test_progressive_override_label_off_keeps_the_field_in_the_original_subgraph():
    # given label not enabled: a keeps price
    plan = printed("progressive_override", "{ products { name price } }")
    assert (
        plan
        == """QueryPlan {
  Fetch(service: "a") {
    { products { name price } }
  }
}"""
    )


def test_progressive_override_label_on_moves_the_field_to_the_overriding_subgraph():
    # given label enabled: b resolves price
    plan = printed(
        "progressive_override", "{ products { name price } }", labels=frozenset({"percent(25)"})
    )
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { name __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "b") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename price } } }
      }
    }
  }
}"""
    )


def test_entity_reachable_only_through_nested_entity_calls_chains_three_subgraphs():
    # given a product's shippingEstimate needs reviews -> products (price weight) -> inventory
    plan = printed("bench", "{ me { reviews { product { shippingEstimate } } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      { me { __typename id } }
    },
    Flatten(path: "me") {
      Fetch(service: "reviews") {
        ... on User { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { __typename reviews { product { __typename upc } } } } }
      }
    },
    Flatten(path: "me.reviews.@.product") {
      Fetch(service: "products") {
        ... on Product { upc }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename price weight } } }
      }
    },
    Flatten(path: "me.reviews.@.product") {
      Fetch(service: "inventory") {
        ... on Product { upc price weight }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename shippingEstimate } } }
      }
    }
  }
}"""
    )


def test_provides_shortcut_avoids_a_jump_to_the_owning_subgraph():
    # given reviews provides author.username: accounts is never called
    plan = printed("bench", "{ topProducts { reviews { author { username } } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "products") {
      { topProducts { __typename upc } }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "reviews") {
        ... on Product { upc }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename reviews { author { username } } } } }
      }
    }
  }
}"""
    )


def test_value_type_field_missing_in_the_current_subgraph_moves_the_jump_to_the_entity_above():
    # given Money.discounted only in pricing: Money is no entity, so jump at Product.price
    plan = printed("value_types", "{ products { name price { amount discounted } } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "products") {
      { products { name __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "pricing") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename price { amount discounted } } } }
      }
    }
  }
}"""
    )


def test_value_type_fully_known_locally_stays_in_one_fetch():
    plan = printed("value_types", "{ products { name price { amount currency } } }")
    assert (
        plan
        == """QueryPlan {
  Fetch(service: "products") {
    { products { name price { amount currency } } }
  }
}"""
    )


def test_requires_from_two_subgraphs_fetches_both_in_parallel_before_the_requiring_one():
    # given d.cost @requires(fields: "weight size"), weight from b and size from c
    plan = printed("requires_two", "{ products { name cost } }")
    assert (
        plan
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { name __typename id } }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "b") {
          ... on Product { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename weight } } }
        }
      },
      Flatten(path: "products.@") {
        Fetch(service: "c") {
          ... on Product { id }
          =>
          query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename size } } }
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "d") {
        ... on Product { id weight size }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename cost } } }
      }
    }
  }
}"""
    )


def test_override_labels_are_listed_and_percent_labels_follow_the_draw():
    from gateway.planner import enabled_labels, override_labels
    from tests.gateway.planner.planning import supergraph

    labels = override_labels(supergraph("progressive_override"))
    assert labels == {"percent(25)"}
    assert enabled_labels(labels, lambda: 0.10) == {"percent(25)"}
    assert enabled_labels(labels, lambda: 0.30) == frozenset()
    assert enabled_labels(labels, lambda: 0.99, enabled={"percent(25)", "unknown"}) == labels


def test_concrete_type_field_added_by_an_interface_object_jumps_with_the_interface_name_for_that_type_only():
    # given Book.reviews exists only because b extends Media as an @interfaceObject
    plan_ = plan(
        "interface_object", "{ media { ... on Book { reviews } ... on Movie { minutes } } }"
    )
    assert (
        print_plan(plan_)
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { media { __typename ... on Book { __typename id } ... on Movie { minutes } } }
    },
    Flatten(path: "media.@") {
      Fetch(service: "b") {
        ... on Media { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __internal_typename: __typename reviews } } }
      }
    }
  }
}"""
    )
    entity = fetches(plan_)[1]
    assert entity.representations is not None
    assert entity.representations[0].match_types == ("Book",)


def test_shareable_scalar_root_field_is_planned_on_one_subgraph():
    # regression: choosing among subgraphs looked up the scalar's type in the model and crashed
    assert len(fetches(plan("value_types", "{ count }"))) == 1


def test_shareable_field_goes_to_the_subgraph_that_also_resolves_its_siblings():
    # given color in b and c, size only in c: one _entities fetch to c, not b then c
    assert (
        printed("sibling_choice", "{ products { color size } }")
        == """QueryPlan {
  Sequence {
    Fetch(service: "a") {
      { products { __typename id } }
    },
    Flatten(path: "products.@") {
      Fetch(service: "c") {
        ... on Product { id }
        =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { __typename color size } } }
      }
    }
  }
}"""
    )
