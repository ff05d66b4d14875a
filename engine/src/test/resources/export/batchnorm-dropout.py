"""shapes CNN with batch norm and dropout: exported from LayerLab as PyTorch code.

Input: one sample is a tensor of shape [3, 32, 32] (channels, height, width); the model
takes a batch of shape [N, 3, 32, 32] and gives [N, 4]. 136,660 parameters. Trained in
LayerLab on data set shapes (samples 2000), 80 % of it for training, batches of 32,
shuffled, dropping the last short batch, 8 epochs.

LayerLab's weights file loads into this model as it is:

    from safetensors.torch import load_file
    model = ShapesCNNWithBatchNormAndDropout()
    model.load_state_dict(load_file("weights.safetensors"))
"""
import torch
from torch import nn

INPUT_SHAPE = (3, 32, 32)  # one sample, without the batch axis


class ShapesCNNWithBatchNormAndDropout(nn.Sequential):
    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its
    # state_dict() keys are then "0.weight", "0.bias", ..., those of LayerLab's weights file.
    def __init__(self):
        super().__init__(
            nn.Conv2d(in_channels=3, out_channels=16, kernel_size=3, padding=1, bias=False),  # 0: [N, 16, 32, 32]
            nn.BatchNorm2d(num_features=16),                 # 1: [N, 16, 32, 32]
            nn.ReLU(),                                       # 2: [N, 16, 32, 32]
            nn.MaxPool2d(kernel_size=2),                     # 3: [N, 16, 16, 16]
            nn.Conv2d(in_channels=16, out_channels=32, kernel_size=3, padding=1, bias=False),  # 4: [N, 32, 16, 16]
            nn.BatchNorm2d(num_features=32, momentum=0.05),  # 5: [N, 32, 16, 16]
            nn.ReLU(),                                       # 6: [N, 32, 16, 16]
            nn.AvgPool2d(kernel_size=2),                     # 7: [N, 32, 8, 8]
            nn.Flatten(),                                    # 8: [N, 2048]
            nn.Dropout(p=0.3),                               # 9: [N, 2048]
            nn.Linear(in_features=2048, out_features=64),    # 10: [N, 64]
            nn.BatchNorm1d(num_features=64),                 # 11: [N, 64]
            nn.ReLU(),                                       # 12: [N, 64]
            nn.Dropout(),                                    # 13: [N, 64]
            nn.Linear(in_features=64, out_features=4),       # 14: [N, 4]
        )

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


def make_loss_and_optimizer(model):
    """The loss and optimizer LayerLab trains this model with."""
    loss_fn = nn.CrossEntropyLoss()  # output: logits [N, 4]; target: class indices [N] (torch.long)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0.0005, nesterov=True)
    return loss_fn, optimizer


if __name__ == "__main__":
    import sys
    from safetensors.torch import load_file

    model = ShapesCNNWithBatchNormAndDropout()
    # the weights LayerLab saved: python this_file.py [weights.safetensors]
    weights = sys.argv[1] if len(sys.argv) > 1 else "weights.safetensors"
    model.load_state_dict(load_file(weights))
    model.eval()  # Dropout passes values through, BatchNorm uses its running statistics
    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples
    with torch.no_grad():
        y = model(x)
    print(model)
    print(y.shape)  # torch.Size([4, 4])
