"""XOR with a 2-4-1 Tanh network: exported from LayerLab as PyTorch code.

Input: one sample holds the 2 features x1, x2 (in this order), a tensor of shape [2]; the
model takes a batch of shape [N, 2] and gives [N, 1]. 17 parameters. Trained in LayerLab on
data set xor (samples 500, noise 0), 50 % of it for training, batches of 10, shuffled, 30
epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = XORWithA241TanhNetwork()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (2,)  # one sample, without the batch axis


class XORWithA241TanhNetwork(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Linear(in_features=2, out_features=4),  # 0: [N, 4]
            nn.Tanh(),                                 # 1: [N, 4]
            nn.Linear(in_features=4, out_features=1),  # 2: [N, 1]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with."""
    loss_fn = nn.BCEWithLogitsLoss()  # output: logits [N, 1]; target: [N, 1] of 0.0 or 1.0
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return loss_fn, optimizer


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = XORWithA241TanhNetwork()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1])
