package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import java.util.function.UnaryOperator;

/** How a part of the playground changes its settings: it edits a copy of them, the page applies the result. */
@FunctionalInterface
interface SettingsEdit {

    void edit(UnaryOperator<PlaygroundSettings.Builder> change);
}
