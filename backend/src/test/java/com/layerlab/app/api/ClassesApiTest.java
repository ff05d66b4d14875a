package com.layerlab.app.api;

/** The class sessions' API on the embedded H2 store. */
class ClassesApiTest extends ClassesApiContract {
}
