"""CIFAR-10 tutorial model: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [3, 32, 32] (channels, height, width); the model
takes a batch of shape [N, 3, 32, 32] and gives [N, 10]. 145,578 parameters. Trained in
LayerLab on data set cifar10, 80 % of it for training, batches of 64, shuffled, 10 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = CIFAR10TutorialModel()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (3, 32, 32)  # one sample, without the batch axis


class CIFAR10TutorialModel(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Conv2d(in_channels=3, out_channels=32, kernel_size=5, padding=2),   # 0: [N, 32, 32, 32]
            nn.MaxPool2d(kernel_size=2),                                           # 1: [N, 32, 16, 16]
            nn.Conv2d(in_channels=32, out_channels=32, kernel_size=5, padding=2),  # 2: [N, 32, 16, 16]
            nn.MaxPool2d(kernel_size=2),                                           # 3: [N, 32, 8, 8]
            nn.Conv2d(in_channels=32, out_channels=64, kernel_size=5, padding=2),  # 4: [N, 64, 8, 8]
            nn.MaxPool2d(kernel_size=2),                                           # 5: [N, 64, 4, 4]
            nn.Flatten(),                                                          # 6: [N, 1024]
            nn.Linear(in_features=1024, out_features=64),                          # 7: [N, 64]
            nn.Linear(in_features=64, out_features=10),                            # 8: [N, 10]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with."""
    loss_fn = nn.CrossEntropyLoss()  # output: logits [N, 10]; target: class indices [N] (torch.long)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return loss_fn, optimizer


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = CIFAR10TutorialModel()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 10])
