import numpy as np
import pytest

from ngproof.kernels import train


@pytest.mark.parametrize("method", ["sgd", "natural", "kfac"])
def test_training_reduces_loss(method):
    result = train(method, steps=4, n=128, batch_size=16)
    assert len(result["losses"]) == len(result["seconds"]) == 5
    assert result["losses"][-1] < result["losses"][0]
    assert np.all(np.diff(result["seconds"]) >= 0)


def test_unknown_method():
    with pytest.raises(ValueError, match="method"):
        train("adam")
