"""Every custom action, built with the app's services, for rasa-sdk's executor."""

from __future__ import annotations

from rasa_sdk import Action

from actions.assistance import (
    CallbackFormValidation,
    CheckStatus,
    FileCallback,
    RequestHuman,
    ResumePetition,
    StatusFormValidation,
)
from actions.form_validation import form_validations
from actions.language import SwitchLanguage
from actions.petition import CancelPetition, StartCorrection, StartPetition, SubmitPetition
from actions.ports import Services
from actions.questions import AnswerQuestion


def build_actions(services: Services) -> list[Action]:
    return [
        *form_validations(services),
        StartPetition(services),
        SubmitPetition(services),
        CancelPetition(services),
        StartCorrection(services),
        AnswerQuestion(services),
        SwitchLanguage(),
        ResumePetition(services),
        CheckStatus(services),
        RequestHuman(services),
        FileCallback(services),
        CallbackFormValidation(services),
        StatusFormValidation(services),
    ]
