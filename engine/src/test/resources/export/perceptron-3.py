"""3-input perceptron: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [3]; the model takes a batch of shape [N, 3] and
gives [N, 1]. 4 parameters. The experiment file is model-only: it names no data, loss or
optimizer.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = Model3InputPerceptron()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (3,)  # one sample, without the batch axis


class Model3InputPerceptron(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Linear(in_features=3, out_features=1),  # 0: [N, 1]
            nn.Sigmoid(),                              # 1: [N, 1]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = Model3InputPerceptron()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1])
