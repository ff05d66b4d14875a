"""Runs an exported LayerLab model file against a stand-in for torch (torch itself is not installable here).

usage: python3 check_export.py EXPORTED.py

The stand-in's constructors have the signatures of PyTorch 2.x (torch.nn, torch.optim), copied from
PyTorch's documentation, so a misspelt or unknown argument name fails as it would in PyTorch. The file
is run twice: imported (the class, make_loss_and_optimizer and regularization are called) and as
__main__ (with stand-ins for safetensors' load_file, torch.rand and torch.no_grad). Prints one line
"ok CLASS LAYERS KEYS" with the state_dict keys the real PyTorch model would have; exits 1 on any error.
"""
import sys
import types

built = []  # every layer constructed, in order


class FakeTensor:
    def __init__(self, shape):
        self.shape = tuple(shape)

    def abs(self):
        return self

    def pow(self, exponent):
        return self

    def sum(self):
        return 1.0


class Module:
    def __init__(self):
        self.training = True

    def __call__(self, *args):
        return self.forward(*args)

    def eval(self):
        self.training = False
        return self


def layer(name, params, signature):
    """A stand-in layer class whose __init__ has PyTorch's signature (given as Python source)."""
    source = "def __init__(self, " + signature + "):\n    record(self, locals())\n"
    scope = {"record": lambda self, args: self._record(name, params, args)}
    exec(source, scope)
    return type(name, (Module,), {"__init__": scope["__init__"], "_record": _record, "forward": _forward})


def _record(self, name, params, args):
    Module.__init__(self)
    self.type = name
    self.args = {k: v for k, v in args.items() if k != "self"}
    self.keys = params(self.args)
    if "weight" in self.keys:
        self.weight = FakeTensor(())
    built.append(self)


def _forward(self, x):
    x.trace.append(self.type)
    return x


def conv_keys(a):
    return ["weight"] + (["bias"] if a["bias"] else [])


def none(a):
    return []


CONV = "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None"
BN = "num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None"
bn_keys = lambda a: ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]

nn = types.ModuleType("torch.nn")
nn.Module = Module
nn.Linear = layer("Linear", conv_keys, "in_features, out_features, bias=True, device=None, dtype=None")
nn.Conv1d = layer("Conv1d", conv_keys, CONV)
nn.Conv2d = layer("Conv2d", conv_keys, CONV)
nn.Conv3d = layer("Conv3d", conv_keys, CONV)
nn.ConvTranspose2d = layer("ConvTranspose2d", conv_keys, "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None")
nn.MaxPool2d = layer("MaxPool2d", none, "kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False")
nn.AvgPool2d = layer("AvgPool2d", none, "kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None")
nn.ReLU = layer("ReLU", none, "inplace=False")
nn.Tanh = layer("Tanh", none, "*args, **kwargs")
nn.Sigmoid = layer("Sigmoid", none, "*args, **kwargs")
nn.LeakyReLU = layer("LeakyReLU", none, "negative_slope=0.01, inplace=False")
nn.Identity = layer("Identity", none, "*args, **kwargs")
nn.Flatten = layer("Flatten", none, "start_dim=1, end_dim=-1")
nn.Dropout = layer("Dropout", none, "p=0.5, inplace=False")
nn.BatchNorm1d = layer("BatchNorm1d", bn_keys, BN)
nn.BatchNorm2d = layer("BatchNorm2d", bn_keys, BN)
nn.Softmax = layer("Softmax", none, "dim=None")
nn.CrossEntropyLoss = layer("CrossEntropyLoss", none, "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0")
nn.MSELoss = layer("MSELoss", none, "size_average=None, reduce=None, reduction='mean'")
nn.BCEWithLogitsLoss = layer("BCEWithLogitsLoss", none, "weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None")


class Sequential(Module):
    def __init__(self, *layers):
        Module.__init__(self)
        for x in layers:
            if not isinstance(x, Module):
                raise TypeError(type(x).__name__ + " is not a Module subclass")
        self._layers = list(layers)
        self.loaded = None

    def __iter__(self):
        return iter(self._layers)

    def __getitem__(self, i):
        return self._layers[i]

    def __len__(self):
        return len(self._layers)

    def forward(self, x):
        for m in self._layers:
            x = m(x)
        return x

    def parameters(self):
        return iter([])

    def state_dict_keys(self):
        return [str(i) + "." + k for i, m in enumerate(self._layers) for k in m.keys]

    def load_state_dict(self, state_dict):
        self.loaded = state_dict


nn.Sequential = Sequential

optim = types.ModuleType("torch.optim")
scope = {}
exec("def SGD(params, lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, "
     "foreach=None, differentiable=False, fused=None):\n    return ('SGD', lr)\n"
     "def Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=False, *, foreach=None, "
     "maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):\n"
     "    assert len(betas) == 2\n    return ('Adam', lr)\n", scope)
optim.SGD = scope["SGD"]
optim.Adam = scope["Adam"]


class NoGrad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def rand(*size):
    if not all(isinstance(s, int) and s > 0 for s in size):
        raise TypeError("torch.rand: sizes must be positive ints, got " + repr(size))
    t = FakeTensor(size)
    t.trace = []
    return t


torch = types.ModuleType("torch")
torch.nn = nn
torch.optim = optim
torch.rand = rand
torch.no_grad = NoGrad
safetensors = types.ModuleType("safetensors")
safetensors_torch = types.ModuleType("safetensors.torch")
safetensors_torch.load_file = lambda path: {"path": path}
sys.modules.update({"torch": torch, "torch.nn": nn, "torch.optim": optim,
                    "safetensors": safetensors, "safetensors.torch": safetensors_torch})


def run(path, name):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    module = {"__name__": name}
    exec(compile(source, path, "exec"), module)
    return module


def main(path):
    m = run(path, "exported")
    classes = [v for v in m.values() if isinstance(v, type) and issubclass(v, Sequential) and v is not Sequential]
    assert len(classes) == 1, "expected one nn.Sequential subclass, found " + str(classes)
    cls = classes[0]
    assert "forward" in vars(cls), "the class shows no forward method"
    del built[:]
    model = cls()
    assert list(model) == built, "the model's layers are not the ones its __init__ built"
    x = rand(2, *m["INPUT_SHAPE"])
    model(x)
    assert x.trace == [layer.type for layer in built], "forward does not run every layer in order: " + str(x.trace)
    if "make_loss_and_optimizer" in m:
        loss_fn, optimizer = m["make_loss_and_optimizer"](model)
        assert loss_fn is not None and optimizer is not None
    if "regularization" in m:
        assert m["regularization"](model) > 0
    sys.argv = ["exported.py", "trained.safetensors"]
    del built[:]
    main_module = run(path, "__main__")
    assert main_module["model"].loaded == {"path": "trained.safetensors"}, "__main__ does not load the weights"
    assert not main_module["model"].training, "__main__ does not switch to eval mode"
    print("ok", cls.__name__, len(model), ",".join(model.state_dict_keys()))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # one line for the Java test's message
        print("error:", type(e).__name__, e)
        sys.exit(1)
