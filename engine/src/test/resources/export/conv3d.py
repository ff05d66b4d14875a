"""3D convolution: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [1, 4, 8, 8] (channels, depth, height, width); the
model takes a batch of shape [N, 1, 4, 8, 8] and gives [N, 1]. 533 parameters. The
experiment file is model-only: it names no data, loss or optimizer.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = Model3DConvolution()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (1, 4, 8, 8)  # one sample, without the batch axis


class Model3DConvolution(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Conv3d(in_channels=1, out_channels=2, kernel_size=(1, 3, 3), padding=(0, 1, 1)),  # 0: [N, 2, 4, 8, 8]
            nn.Tanh(),                                   # 1: [N, 2, 4, 8, 8]
            nn.Flatten(),                                # 2: [N, 512]
            nn.Linear(in_features=512, out_features=1),  # 3: [N, 1]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = Model3DConvolution()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1])
