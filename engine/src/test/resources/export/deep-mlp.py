"""deep network: exported from LayerLab as PyTorch code.

Input: one sample holds the 7 features x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2) (in this
order), a tensor of shape [7]; the model takes a batch of shape [N, 7] and gives [N, 1]. 223
parameters. Trained in LayerLab on data set spiral (samples 500, noise 10), 70 % of it for
training, batches of 10, shuffled, 200 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = DeepNetwork()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (7,)  # one sample, without the batch axis


class DeepNetwork(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Linear(in_features=7, out_features=8),  # 0: [N, 8]
            nn.Tanh(),                                 # 1: [N, 8]
            nn.Linear(in_features=8, out_features=8),  # 2: [N, 8]
            nn.Tanh(),                                 # 3: [N, 8]
            nn.Linear(in_features=8, out_features=6),  # 4: [N, 6]
            nn.Tanh(),                                 # 5: [N, 6]
            nn.Linear(in_features=6, out_features=4),  # 6: [N, 4]
            nn.Tanh(),                                 # 7: [N, 4]
            nn.Linear(in_features=4, out_features=1),  # 8: [N, 1]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with; add regularization(model) to the loss."""
    loss_fn = nn.BCEWithLogitsLoss()  # output: logits [N, 1]; target: [N, 1] of 0.0 or 1.0
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.5)
    return loss_fn, optimizer


def regularization(model):
    """L1 regularization as LayerLab adds it to the loss (TensorFlow Playground's
    sense): 0.0003 * the sum of |w| over the weights, biases left out."""
    weights = [model[0].weight, model[2].weight, model[4].weight, model[6].weight, model[8].weight]
    return 0.0003 * sum(w.abs().sum() for w in weights)


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = DeepNetwork()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 1])
