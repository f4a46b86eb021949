from core.tests.doorlib import Door

DOORS = [
    Door(
        "audit:history",
        allow=frozenset({"alice", "vera", "cuong", "van", "hoa"}),
        kwargs=lambda s: {"label": "registry.citizen", "pk": s.citizen.pk},
    ),
]
