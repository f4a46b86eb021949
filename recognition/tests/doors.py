from core.tests.doorlib import ADMIN, COMMUNE_EDITORS, EVERYONE, Door

# Decisions are the commune's and the province's papers; village officers do not hold them.
# Their documents (with the whole annex) go to who sees every row of the decision page: the
# province (admin, viewer) and the issuing commune's officer, not a subject in the decision.
DECISION_READERS = frozenset({"alice", "vera", "cuong"})
# Certificates are printed by batch only by who may issue them (the province viewer reads,
# does not print), and a batch is served to its requester (alice here) and the decision's
# commune editors: commune A's for the inside batch, commune B's (binh) for the outside one.
PRINTERS = COMMUNE_EDITORS
# One certificate: whoever sees its record (h_a2's here: not van of A1, nor dan of h_a1).
CERTIFICATE_READERS = DECISION_READERS


def pk(attr):
    return lambda s: {"pk": getattr(s, attr).pk}


DOORS = [
    Door(
        "recognition:decision_file",
        allow=DECISION_READERS,
        kwargs=lambda s: {"pk": s.decision.pk, "kind": "pdf"},
    ),
    Door(
        "recognition:revocation_file",
        allow=DECISION_READERS,
        kwargs=lambda s: {"pk": s.revocation.pk, "kind": "pdf"},
    ),
    Door("recognition:batch_start", allow=PRINTERS, kwargs=pk("decision")),
    Door("recognition:batch", allow=PRINTERS, kwargs=pk("batch")),
    Door("recognition:batch_file", allow=PRINTERS, kwargs=pk("batch")),
    Door("recognition:certificate_file", allow=CERTIFICATE_READERS, kwargs=pk("recognised")),
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
