from core.tests.doorlib import ADMIN, EVERYONE, Door

# Decisions are the commune's and the province's papers; village officers do not hold them.
DECISION_READERS = frozenset({"alice", "vera", "cuong"})


def pk(attr):
    return lambda s: {"pk": getattr(s, attr).pk}


DOORS = [
    Door(
        "recognition:decision_file",
        allow=DECISION_READERS,
        kwargs=lambda s: {"pk": s.decision.pk, "kind": "pdf"},
    ),
    Door("recognition:batch_start", allow=DECISION_READERS, kwargs=pk("decision")),
    Door("recognition:batch", allow=DECISION_READERS, kwargs=pk("batch")),
    Door("recognition:batch_file", allow=DECISION_READERS, kwargs=pk("batch")),
    Door("recognition:certificate_file", allow=DECISION_READERS, kwargs=pk("recognised")),
    Door("config", allow=ADMIN),
    Door("config_basis_add", allow=ADMIN),
    Door("config_basis", allow=ADMIN, kwargs=lambda s: {"pk": s.shared.basis.pk}),
    Door("config_rule", allow=ADMIN, kwargs=lambda s: {"pk": s.shared.rule.pk}),
    Door("verify_form", allow=EVERYONE, public=True),
    Door(
        "verify",
        allow=EVERYONE,
        public=True,
        kwargs=lambda s: {"code": s.certificate.code},
        outside=EVERYONE,
    ),
]
