"""every layer, non-default arguments: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [2, 12, 12] (channels, height, width); the model
takes a batch of shape [N, 2, 12, 12] and gives [N, 3]. 506 parameters. The experiment file
is model-only: it names no data, loss or optimizer.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = EveryLayerNonDefaultArguments()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (2, 12, 12)  # one sample, without the batch axis


class EveryLayerNonDefaultArguments(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Conv2d(in_channels=2, out_channels=4, kernel_size=(3, 5), stride=2, padding=(1, 2), groups=2, bias=False),  # 0: [N, 4, 6, 6]
            nn.LeakyReLU(negative_slope=0.2),                                     # 1: [N, 4, 6, 6]
            nn.ConvTranspose2d(in_channels=4, out_channels=2, kernel_size=3, stride=2, padding=1, output_padding=1),  # 2: [N, 2, 12, 12]
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True),     # 3: [N, 2, 7, 7]
            nn.AvgPool2d(kernel_size=2, stride=1, padding=1),                     # 4: [N, 2, 8, 8]
            nn.Conv2d(in_channels=2, out_channels=3, kernel_size=3, dilation=2),  # 5: [N, 3, 4, 4]
            nn.Flatten(start_dim=2),                                              # 6: [N, 3, 16]
            nn.BatchNorm1d(num_features=3, eps=0.001, momentum=0.2),              # 7: [N, 3, 16]
            nn.Identity(),                                                        # 8: [N, 3, 16]
            nn.Sigmoid(),                                                         # 9: [N, 3, 16]
            nn.Flatten(),                                                         # 10: [N, 48]
            nn.Linear(in_features=48, out_features=6, bias=False),                # 11: [N, 6]
            nn.Tanh(),                                                            # 12: [N, 6]
            nn.Dropout(p=0.25),                                                   # 13: [N, 6]
            nn.Linear(in_features=6, out_features=3),                             # 14: [N, 3]
            nn.Softmax(dim=-1),                                                   # 15: [N, 3]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = EveryLayerNonDefaultArguments()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()  # Dropout passes values through, BatchNorm uses its running statistics
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 3])
