"""three-armed spiral, softmax output: exported from LayerLab as PyTorch code.

Input: one sample holds the 4 features x1, x2, sin(x1), sin(x2) (in this order), a tensor of
shape [4]; the model takes a batch of shape [N, 4] and gives [N, 3]. 403 parameters. Trained
in LayerLab on data set spiral (samples 600, noise 5, classes 3), 80 % of it for training,
batches of 16, shuffled, 100 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = ThreeArmedSpiralSoftmaxOutput()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (4,)  # one sample, without the batch axis


class ThreeArmedSpiralSoftmaxOutput(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Linear(in_features=4, out_features=16),   # 0: [N, 16]
            nn.ReLU(),                                   # 1: [N, 16]
            nn.Linear(in_features=16, out_features=16),  # 2: [N, 16]
            nn.ReLU(),                                   # 3: [N, 16]
            nn.Linear(in_features=16, out_features=3),   # 4: [N, 3]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with."""
    loss_fn = nn.CrossEntropyLoss()  # output: logits [N, 3]; target: class indices [N] (torch.long)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    return loss_fn, optimizer


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = ThreeArmedSpiralSoftmaxOutput()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 3])
