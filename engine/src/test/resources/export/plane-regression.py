"""plane regression: exported from LayerLab as PyTorch code.

Input: one sample holds the 2 features x1, x2 (in this order), a tensor of shape [2]; the
model takes a batch of shape [N, 2] and gives [N, 1]. 17 parameters. Trained in LayerLab on
data set plane (samples 1200, noise 10), 50 % of it for training, batches of 10, shuffled,
20 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = PlaneRegression()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (2,)  # one sample, without the batch axis


class PlaneRegression(nn.Sequential):
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
    """The loss and optimizer LayerLab trains this model with; add regularization(model) to the loss."""
    loss_fn = nn.MSELoss()  # output and target: [N, 1]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    return loss_fn, optimizer


def regularization(model):
    """L2 regularization as LayerLab adds it to the loss (TensorFlow Playground's
    sense): 0.001 * 0.5 * the sum of w^2 over the weights, biases left out."""
    weights = [model[0].weight, model[2].weight]
    return 0.001 * 0.5 * sum(w.pow(2).sum() for w in weights)


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = PlaneRegression()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1])
