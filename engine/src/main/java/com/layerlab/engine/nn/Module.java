package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A layer or a network of layers, as torch.nn.Module: a forward function and named parameters. */
public abstract class Module {

    private boolean training = true;

    public abstract Tensor forward(Tensor x);

    /**
     * Parameters and buffers (BatchNorm's running statistics) by PyTorch's state_dict() names
     * ({@code weight}, {@code bias}, {@code running_mean}, {@code 0.weight}, ...).
     */
    public Map<String, Tensor> stateDict() {
        return new LinkedHashMap<>();
    }

    /** PyTorch's state of a layer with a weight and an optional bias (null when it has none). */
    static Map<String, Tensor> weightAndBias(Tensor weight, Tensor bias) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", weight);
        if (bias != null) {
            state.put("bias", bias);
        }
        return state;
    }

    /** The tensors an optimizer trains: the state dict's values unless the layer has buffers. */
    public List<Tensor> parameters() {
        return new ArrayList<>(stateDict().values());
    }

    /**
     * Moves every parameter and buffer to {@code device} in place, as PyTorch's {@code module.to(device)};
     * the module's forward then runs there.
     */
    public Module to(Device device) {
        for (Tensor t : stateDict().values()) {
            t.moveTo(device);
        }
        return this;
    }

    /** Training or evaluation mode (matters for layers such as Dropout or BatchNorm). */
    public void train(boolean on) {
        training = on;
    }

    public boolean isTraining() {
        return training;
    }
}
