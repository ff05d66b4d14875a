"""A model: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [1, 9, 9] (channels, height, width); the model takes
a batch of shape [N, 1, 9, 9] and gives [N, 1, 5, 5]. 0 parameters. The experiment file is
model-only: it names no data, loss or optimizer.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = Model()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (1, 9, 9)  # one sample, without the batch axis


class Model(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.MaxPool2d(kernel_size=3, stride=1, dilation=2),  # 0: [N, 1, 5, 5]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = Model()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1, 5, 5])
