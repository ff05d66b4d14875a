"""LeNet-style MNIST model: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [1, 28, 28] (channels, height, width); the model
takes a batch of shape [N, 1, 28, 28] and gives [N, 10]. 61,706 parameters. Trained in
LayerLab on data set mnist, 80 % of it for training, batches of 64, shuffled, 5 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = LeNetStyleMNISTModel()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (1, 28, 28)  # one sample, without the batch axis


class LeNetStyleMNISTModel(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2),  # 0: [N, 6, 28, 28]
            nn.ReLU(),                                                           # 1: [N, 6, 28, 28]
            nn.MaxPool2d(kernel_size=2),                                         # 2: [N, 6, 14, 14]
            nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5),            # 3: [N, 16, 10, 10]
            nn.ReLU(),                                                           # 4: [N, 16, 10, 10]
            nn.MaxPool2d(kernel_size=2),                                         # 5: [N, 16, 5, 5]
            nn.Flatten(),                                                        # 6: [N, 400]
            nn.Linear(in_features=400, out_features=120),                        # 7: [N, 120]
            nn.ReLU(),                                                           # 8: [N, 120]
            nn.Linear(in_features=120, out_features=84),                         # 9: [N, 84]
            nn.ReLU(),                                                           # 10: [N, 84]
            nn.Linear(in_features=84, out_features=10),                          # 11: [N, 10]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with."""
    loss_fn = nn.CrossEntropyLoss()  # output: logits [N, 10]; target: class indices [N] (torch.long)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    return loss_fn, optimizer


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = LeNetStyleMNISTModel()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 10])
