package com.layerlab.engine.train;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.data.PointsDataset;
import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What the playground draws of a 2D run: the model's prediction over the plane, every neuron's heat map,
 * the Linear layers' weights and the points. Reads the trainer's model as it is, in evaluation mode.
 */
public final class PointProbes {

    private final Trainer trainer;
    private final PointData data;

    /** @throws IllegalArgumentException when the trainer trains on images */
    public PointProbes(Trainer trainer) {
        if (!(trainer.data() instanceof PointData points)) {
            throw new IllegalArgumentException("PointProbes: only for 2D data sets; this run trains on images ("
                    + trainer.experiment().data().dataset() + ")");
        }
        this.trainer = trainer;
        this.data = points;
    }

    public Points2D trainPoints() {
        return data.trainPoints();
    }

    public Points2D testPoints() {
        return data.testPoints();
    }

    /** The scale a regression's values are drawn on: the largest |label| of both splits. */
    public double labelScale() {
        return Points2D.labelScale(trainPoints(), testPoints());
    }

    /**
     * The model's data loss and accuracy over points.
     *
     * @param loss     the mean of the experiment's loss function over the points (what the test loss is)
     * @param accuracy the share of points classified right; NaN for a regression
     */
    public record Score(double loss, double accuracy) {
    }

    /**
     * The model as it is, scored over {@code points} that it need not have seen (a class challenge's hidden
     * test set, generated as its data are): in evaluation mode, with the run's features, as the test split
     * is at every epoch's end. On the training thread, between two steps.
     */
    public Score score(Points2D points) {
        try (DataLoader loader = DataLoader.builder(new PointsDataset(points, data.features())).batchSize(points.size())
                .prefetch(0).device(trainer.device()).build()) {
            Trainer.Measure m = trainer.measure(loader, null);
            return new Score(m.loss(), trainer.head().isRegression() ? Double.NaN : m.accuracy());
        }
    }

    /** The model's prediction on an n x n grid over [-extent, extent]^2 (see {@link GridPrediction}). */
    public GridPrediction predictGrid(int n, float extent) {
        Tensor in = gridInputs(n, extent);
        Sequential model = trainer.model();
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            Tensor p = trainer.head().probabilities(model.forward(in));
            return new GridPrediction(n, p.numel() / (n * n), p.toHost());
        }
    }

    /**
     * Per-neuron heat maps on an n x n grid, {@code [layer][neuron][cell]}: layer 0 holds the input features;
     * then, for every Linear layer but the last, the output of that layer's block (the Linear and the
     * activations after it, up to the next Linear); the last entry is the network's output as
     * {@link #predictGrid} gives it (K maps for K classes).
     */
    public float[][][] neuronGrids(int n, float extent) {
        Tensor in = gridInputs(n, extent);
        Sequential model = trainer.model();
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            List<Tensor> outs = model.forwardAll(in);
            List<Module> layers = model.layers();
            List<float[][]> maps = new ArrayList<>();
            maps.add(columns(in, n * n));
            int linearsSeen = 0;
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof Linear) {
                    linearsSeen++;
                }
                boolean blockEnds = i + 1 < layers.size() && layers.get(i + 1) instanceof Linear;
                if (blockEnds && linearsSeen > 0) {
                    maps.add(columns(outs.get(i), n * n));
                }
            }
            maps.add(columns(trainer.head().probabilities(outs.get(outs.size() - 1)), n * n));
            return maps.toArray(new float[0][][]);
        }
    }

    /** Each Linear layer's weights as [out][in] (copies). */
    public List<float[][]> linearWeights() {
        List<float[][]> out = new ArrayList<>();
        for (Module m : trainer.model().layers()) {
            if (m instanceof Linear l) {
                float[] w = l.weight().toHost();
                float[][] rows = new float[l.outFeatures()][l.inFeatures()];
                for (int o = 0; o < rows.length; o++) {
                    System.arraycopy(w, o * l.inFeatures(), rows[o], 0, l.inFeatures());
                }
                out.add(rows);
            }
        }
        return out;
    }

    /** The decision boundary with the training points, as TensorBoard shows images ({@link BoundaryImage}). */
    float[] boundaryImage() {
        boolean regression = trainer.head().isRegression();
        double scale = regression ? labelScale() : 1;
        return BoundaryImage.render(predictGrid(BoundaryImage.SIZE, BoundaryImage.EXTENT), regression, scale, trainPoints());
    }

    /** The grid's input features, [n*n, features]: row r has x2 = extent - r*2*extent/(n-1), column c x1 = -extent + c*2*extent/(n-1). */
    private Tensor gridInputs(int n, float extent) {
        if (n < 2) {
            throw new IllegalArgumentException("grid size must be at least 2, got " + n);
        }
        List<String> features = data.features();
        int f = features.size();
        float[] x = new float[n * n * f];
        float step = 2 * extent / (n - 1);
        for (int r = 0; r < n; r++) {
            float x2 = extent - r * step;
            for (int c = 0; c < n; c++) {
                Features2D.compute(features, -extent + c * step, x2, x, (r * n + c) * f);
            }
        }
        return Tensor.of(trainer.device(), x, n * n, f);
    }

    /** A [cells, k] tensor as k maps of {@code cells} values. */
    private static float[][] columns(Tensor t, int cells) {
        int k = t.numel() / cells;
        float[] d = t.toHost();
        float[][] out = new float[k][cells];
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < k; j++) {
                out[j][i] = d[i * k + j];
            }
        }
        return out;
    }
}
