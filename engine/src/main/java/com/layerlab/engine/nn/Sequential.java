package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.tensor.TensorTooLargeException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Layers applied in order, as torch.nn.Sequential; parameter names are prefixed with the layer index. */
public final class Sequential extends Module {

    private final List<Module> layers;

    public Sequential(List<Module> layers) {
        if (layers == null || layers.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("Sequential: the layer list must not be null or contain null");
        }
        this.layers = List.copyOf(layers);
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    public List<Module> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            x = forward(i, x);
        }
        return x;
    }

    /** The output of every layer, in order (the last one is {@link #forward}'s result). */
    public List<Tensor> forwardAll(Tensor x) {
        List<Tensor> outputs = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            x = forward(i, x);
            outputs.add(x);
        }
        return outputs;
    }

    /** Layer i on x; a size too large for the engine is reported as that layer's, as in an experiment file. */
    private Tensor forward(int i, Tensor x) {
        Module layer = layers.get(i);
        try {
            return layer.forward(x);
        } catch (TensorTooLargeException e) {
            throw new TensorTooLargeException("model[" + i + "] (" + layer.getClass().getSimpleName() + "): "
                    + e.getMessage() + "; use fewer channels or features, or a smaller batch");
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).stateDict().entrySet()) {
                state.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return state;
    }

    /** Every layer's parameters in order (buffers such as BatchNorm's running statistics excluded). */
    @Override
    public List<Tensor> parameters() {
        List<Tensor> params = new ArrayList<>();
        for (Module layer : layers) {
            params.addAll(layer.parameters());
        }
        return params;
    }

    @Override
    public void train(boolean on) {
        super.train(on);
        for (Module layer : layers) {
            layer.train(on);
        }
    }

    @Override
    public String toString() {
        return layers.stream().map(Object::toString).collect(Collectors.joining(", ", "Sequential(", ")"));
    }
}
