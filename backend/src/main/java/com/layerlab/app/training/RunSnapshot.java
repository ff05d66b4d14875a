package com.layerlab.app.training;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.GridPrediction;
import com.layerlab.engine.train.StepReport;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.util.List;

/**
 * What a page draws of one {@link Trainer} at one moment, already encoded for the components
 * (see {@link PlotData}). Made on the training thread, so the page's lock is held only to hand it over.
 *
 * @param output        the output map: n*n*channels bytes (binary and regression: diverging, 1 channel;
 *                      multi-class: K probabilities)
 * @param neuronMaps    when asked for: every neuron's map, neuronN*neuronN bytes each, in diagram order:
 *                      all seven input features, then each hidden layer's neurons, then the outputs
 * @param weights       per Linear layer, [out][in]
 * @param gradientNorms per Linear layer, mean |dL/dW| over the last epoch
 * @param lastStep      what the last training step did to each layer (null before the first)
 */
public record RunSnapshot(EpochStats stats, int gridN, int channels, byte[] output, int neuronN, byte[] neuronMaps,
                          List<float[][]> weights, double[] gradientNorms, StepReport lastStep) {

    /** The plane the maps cover: [-6, 6] in both directions, as the data. */
    public static final float EXTENT = 6f;

    /**
     * @param gridN   output map resolution (e.g. 64)
     * @param neuronN per-neuron map resolution, 0 for none (e.g. 20)
     */
    public static RunSnapshot of(Trainer run, int gridN, int neuronN) {
        Experiment e = run.experiment();
        boolean regression = !e.isClassification();
        int classes = run.data().classes();
        PointProbes probes = new PointProbes(run);
        double scale = regression ? probes.labelScale() : 1;

        GridPrediction g = probes.predictGrid(gridN, EXTENT);
        byte[] out;
        if (regression) {
            out = PlotData.signed(g.values(), scale);
        } else if (g.channels() == 1) {
            out = PlotData.binary(g.values());
        } else {
            out = PlotData.probabilities(g.values());
        }

        byte[] maps = null;
        if (neuronN > 1) {
            maps = neuronMaps(probes, neuronN, regression, classes, scale);
        }
        return new RunSnapshot(run.stats(), g.n(), g.channels(), out, neuronN, maps, probes.linearWeights(),
                run.stepProbe().gradientNorms(), run.stepProbe().lastStep());
    }

    private static byte[] neuronMaps(PointProbes probes, int n, boolean regression, int classes, double scale) {
        float[][][] layers = probes.neuronGrids(n, EXTENT);
        int cells = n * n;
        int hiddenNeurons = 0;
        for (int l = 1; l < layers.length - 1; l++) {
            hiddenNeurons += layers[l].length;
        }
        float[][] outputs = layers[layers.length - 1];
        int total = Features2D.NAMES.size() + hiddenNeurons + outputs.length;
        byte[] bytes = new byte[total * cells];
        int at = 0;
        // every feature, used or not, so that the page can show what adding one would bring
        float[] f = new float[cells];
        for (String name : Features2D.NAMES) {
            for (int r = 0; r < n; r++) {
                float x2 = EXTENT - r * 2 * EXTENT / (n - 1);
                for (int c = 0; c < n; c++) {
                    float x1 = -EXTENT + c * 2 * EXTENT / (n - 1);
                    f[r * n + c] = Features2D.value(name, x1, x2);
                }
            }
            at = put(bytes, at, PlotData.signed(f, maxAbs(f, 1e-6)));
        }
        for (int l = 1; l < layers.length - 1; l++) {
            for (float[] neuron : layers[l]) {
                // bounded activations keep their scale (a faint map means small values); others are scaled to fit
                at = put(bytes, at, PlotData.signed(neuron, Math.max(1, maxAbs(neuron, 0))));
            }
        }
        for (float[] o : outputs) {
            byte[] enc;
            if (regression) {
                enc = PlotData.signed(o, scale);
            } else if (outputs.length == 1) {
                enc = PlotData.binary(o);
            } else {
                enc = PlotData.probabilities(o);
            }
            at = put(bytes, at, enc);
        }
        return bytes;
    }

    private static int put(byte[] dst, int at, byte[] src) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }

    private static double maxAbs(float[] v, double floor) {
        double m = floor;
        for (float x : v) {
            if (Float.isFinite(x)) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    /** Points of a run for the heat map: class index for multi-class, else a diverging value. */
    public static String encodePoints(Points2D pts, Experiment e, double regressionScale) {
        boolean multi = e.isClassification() && pts.classes() > 2;
        return PlotData.points(pts, multi, regressionScale);
    }
}
