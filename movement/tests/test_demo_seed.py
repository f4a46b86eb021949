from __future__ import annotations

import datetime as dt

from demo.movement_seed import seed_movement
from movement import indicators
from movement import models as m


def test_demo_movement_is_idempotent_and_shows_on_the_pages(world, as_user):
    villages = {
        world.commune_a.pk: [world.village_a1, world.village_a2],
        world.commune_b.pk: [world.village_b1],
    }
    communes = [world.commune_a, world.commune_b]
    assert seed_movement(communes=communes, villages=villages, seed=7) > 0
    counts = (
        m.LearningCentre.objects.count(),
        m.Activity.objects.count(),
        m.Member.objects.count(),
    )
    assert seed_movement(communes=communes, villages=villages, seed=7) == 0
    assert (
        m.LearningCentre.objects.count(),
        m.Activity.objects.count(),
        m.Member.objects.count(),
    ) == counts
    year = dt.date.today().year
    s = indicators.summary(world.province, year)
    assert s.centres == 2 and s.communes_with_leader == 1 and s.activities > 0 and s.estimate > 0
    assert (
        "Trung tâm học tập cộng đồng"
        in as_user("cuong").get("/phong-trao/trung-tam/").content.decode()
    )
    page = world.client(None).get(f"/phong-trao/dien-hinh/{year - 1}/").content.decode()
    assert "Phường Phố Hiến" in page and "Xã Khoái Châu" in page
