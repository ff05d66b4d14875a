package com.layerlab.app.classroom;

/** The classroom on the embedded H2 database (the tests' in-memory one). */
class ClassroomsTest extends ClassroomsContract {
}
