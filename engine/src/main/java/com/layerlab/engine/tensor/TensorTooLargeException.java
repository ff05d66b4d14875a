package com.layerlab.engine.tensor;

import java.math.BigInteger;
import java.util.Locale;

/**
 * A tensor or work buffer with more values than one Java array can hold. Sizes are ints, so without this
 * check a product of sizes overflows silently, into a negative array size or, worse, a small positive
 * one. {@link com.layerlab.engine.nn.Sequential} adds the layer to the message.
 */
public class TensorTooLargeException extends IllegalArgumentException {

    /** The most values one float array may hold (HotSpot refuses a few less than Integer.MAX_VALUE). */
    public static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    public TensorTooLargeException(String message) {
        super(message);
    }

    /**
     * The product of {@code factors} as an array length.
     *
     * @param what what is sized, for the message: "a tensor of shape [250, 10000, 28, 28]"
     * @throws TensorTooLargeException when the product exceeds {@link #MAX_VALUES}
     */
    public static int checkedProduct(String what, long... factors) {
        for (long f : factors) {
            if (f < 0) {
                throw new IllegalArgumentException(what + ": negative size " + f);
            }
            if (f == 0) {
                return 0;
            }
        }
        long n = 1;
        for (long f : factors) {
            if (n > MAX_VALUES / f) {
                BigInteger total = BigInteger.ONE;
                for (long g : factors) {
                    total = total.multiply(BigInteger.valueOf(g));
                }
                throw new TensorTooLargeException(String.format(Locale.ROOT, "%s would hold %,d values, more than the "
                        + "%,d one array can hold", what, total, MAX_VALUES));
            }
            n *= f;
        }
        return (int) n;
    }
}
