"""Loading a trained DIET model without a training step.

Rasa 3.6 builds a loaded model's weights by training it on one example (`model.fit`), which traces the
whole training graph (forward and backward) and keeps it: about 200 MB of a serving process that never
trains. Here the weights are built by one forward pass of the same loss on the same example, run eagerly
(nothing traced), then the trained weights are loaded over them as Rasa does. The optimizer's slots in the
checkpoint are not restored, since nothing trains. The predictions are the same to the last bit
(tests/test_patches.py parses the same messages with a model loaded both ways).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


def without_training(load: Any) -> Any:
    """Wrap RasaModel.load: build the weights by a forward pass, unless the model is loaded to be trained on."""

    def load_model(cls: type[RasaModel], model_file_name: str, model_data_example: RasaModelData,
                   predict_data_example: RasaModelData | None = None, finetune_mode: bool = False,
                   *args: Any, **kwargs: Any) -> RasaModel:
        if finetune_mode or not predict_data_example:
            return load.__func__(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                 *args, **kwargs)
        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                      run_eagerly=config.get(RUN_EAGERLY))
        batch_in = RasaBatchDataGenerator(model_data_example, batch_size=1)[0][0]
        model._training = True  # as in the training step whose variables the checkpoint holds
        model.batch_loss(batch_in)
        status = model.load_weights(model_file_name)
        if status is not None:  # the optimizer's slots stay unread
            status.expect_partial()
        model.run_inference(predict_data_example)  # as Rasa does: trace the prediction once, now
        return model

    return classmethod(load_model)
