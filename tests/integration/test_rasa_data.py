"""`rasa data validate` on the real project: no errors, no story or rule conflicts, and no
warnings but Rasa's known false positives for this design — responses that actions, forms and
the NLG endpoint use (Rasa only sees stories and rules) and the payload-only intents the app
sends (opening a conversation, starting a correction)."""

from __future__ import annotations

import re
import subprocess

from server.nlg import MessageCatalog
from server.settings import ROOT


def test_rasa_data_validate():
    result = subprocess.run(
        [
            str(ROOT / ".venv-rasa/bin/rasa"),
            "data",
            "validate",
            "--domain",
            "bot/domain",
            "--data",
            "data",
            "--config",
            "bot/config.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "No story structure conflicts found" in output
    responses = set(MessageCatalog(ROOT / "bot/messages").response_names())
    for warning in re.findall(r"UserWarning: (.*)", output):
        unused = re.match(
            r"The utterance '(utter_\w+)' is not used in any story or rule\.", warning
        )
        if unused:
            name = unused.group(1)
            assert name in responses or name.startswith("utter_ask_"), warning
            continue
        payload_only = re.match(
            r"The intent '(start_conversation|start_correction)' is listed", warning
        )
        assert payload_only, warning
