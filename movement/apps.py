from django.apps import AppConfig

from audit.gates import register


class MovementConfig(AppConfig):
    name = "movement"
    verbose_name = "Phong trào"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from movement import models as m

        register("movement.learningcentre", lambda u: m.LearningCentre.objects.visible_to(u))
        register("movement.member", lambda u: m.Member.objects.visible_to(u))
        register("movement.training", lambda u: m.Training.objects.visible_to(u))
        register("movement.communication", lambda u: m.Communication.objects.visible_to(u))
        register("movement.contribution", lambda u: m.Contribution.objects.visible_to(u))
        register("movement.commendation", lambda u: m.Commendation.objects.visible_to(u))
