package com.layerlab.engine.summary;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.StructProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds protobuf descriptors from the .proto files under test resources, so the tests decode
 * event files by the TensorBoard schema text rather than by anything the writer knows.
 * protobuf-java has no .proto parser of its own; this one reads the subset those files use
 * (proto3 messages, nested messages, enums, oneofs, maps, field options, imports) and leaves
 * type-name resolution to protobuf-java, which applies protoc's scoping rules.
 */
final class ProtoSchema {
    private static final Map<String, FileDescriptor> LOADED = new HashMap<>();

    private ProtoSchema() {
    }

    /** The file descriptor of a .proto on the test class path (e.g. "tensorboard/compat/proto/event.proto"). */
    static synchronized FileDescriptor load(String path) {
        FileDescriptor known = LOADED.get(path);
        if (known != null) {
            return known;
        }
        if (path.equals("google/protobuf/struct.proto")) {
            return StructProto.getDescriptor();
        }
        String text;
        try (InputStream in = ProtoSchema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no .proto on the class path: " + path);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileDescriptorProto proto = new Parser(path, text).file();
        FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < deps.length; i++) {
            deps[i] = load(proto.getDependency(i));
        }
        try {
            FileDescriptor fd = FileDescriptor.buildFrom(proto, deps);
            LOADED.put(path, fd);
            return fd;
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }

    /** A message type by its full name, looked up in the file that defines it. */
    static Descriptors.Descriptor message(String file, String fullName) {
        FileDescriptor fd = load(file);
        String pkg = fd.getPackage();
        String rest = fullName.startsWith(pkg + ".") ? fullName.substring(pkg.length() + 1) : fullName;
        String[] parts = rest.split("\\.");
        Descriptors.Descriptor d = fd.findMessageTypeByName(parts[0]);
        for (int i = 1; d != null && i < parts.length; i++) {
            d = d.findNestedTypeByName(parts[i]);
        }
        if (d == null) {
            throw new IllegalArgumentException(file + " has no message " + fullName);
        }
        return d;
    }

    private static final class Parser {
        private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
                Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
                Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
                Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
                Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
                Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
                Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
                Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
                Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
                Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
                Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
                Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
                Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
                Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
                Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
                Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

        private final String path;
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();
        private int pos;

        Parser(String path, String text) {
            this.path = path;
            tokenize(text);
        }

        FileDescriptorProto file() {
            FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName(path);
            while (pos < tokens.size()) {
                String t = next();
                switch (t) {
                    case "syntax" -> {
                        expect("=");
                        f.setSyntax(string());
                        expect(";");
                    }
                    case "package" -> {
                        f.setPackage(next());
                        expect(";");
                    }
                    case "import" -> {
                        boolean isPublic = peek().equals("public");
                        if (isPublic || peek().equals("weak")) {
                            next();
                        }
                        if (isPublic) {
                            f.addPublicDependency(f.getDependencyCount());
                        }
                        f.addDependency(string());
                        expect(";");
                    }
                    case "option" -> skipStatement();
                    case "message" -> f.addMessageType(message());
                    case "enum" -> f.addEnumType(enumType());
                    case ";" -> { }
                    default -> throw error("unexpected '" + t + "' at top level");
                }
            }
            if (!f.getSyntax().equals("proto3")) {
                throw error("only proto3 files are read, got syntax \"" + f.getSyntax() + "\"");
            }
            return f.build();
        }

        private DescriptorProto message() {
            DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(next());
            expect("{");
            while (!peek().equals("}")) {
                String t = peek();
                switch (t) {
                    case "message" -> {
                        next();
                        m.addNestedType(message());
                    }
                    case "enum" -> {
                        next();
                        m.addEnumType(enumType());
                    }
                    case "option", "reserved", "extensions" -> skipStatement();
                    case ";" -> next();
                    case "oneof" -> {
                        next();
                        int index = m.getOneofDeclCount();
                        m.addOneofDecl(OneofDescriptorProto.newBuilder().setName(next()));
                        expect("{");
                        while (!peek().equals("}")) {
                            if (peek().equals("option")) {
                                skipStatement();
                            } else if (peek().equals(";")) {
                                next();
                            } else {
                                m.addField(field(FieldDescriptorProto.Label.LABEL_OPTIONAL).setOneofIndex(index));
                            }
                        }
                        expect("}");
                    }
                    case "map" -> {
                        next();
                        mapField(m);
                    }
                    case "repeated" -> {
                        next();
                        m.addField(field(FieldDescriptorProto.Label.LABEL_REPEATED));
                    }
                    case "optional", "required" -> throw error("'" + t + "' fields are not in the files this reads");
                    default -> m.addField(field(FieldDescriptorProto.Label.LABEL_OPTIONAL));
                }
            }
            expect("}");
            return m.build();
        }

        private FieldDescriptorProto.Builder field(FieldDescriptorProto.Label label) {
            FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setLabel(label);
            setType(f, next());
            f.setName(next());
            expect("=");
            f.setNumber(integer());
            fieldOptions(f);
            expect(";");
            return f;
        }

        private void mapField(DescriptorProto.Builder m) {
            expect("<");
            String keyType = next();
            expect(",");
            String valueType = next();
            expect(">");
            String name = next();
            expect("=");
            int number = integer();
            // protoc's representation of a map: a nested FooEntry message, repeated.
            StringBuilder entry = new StringBuilder();
            for (String part : name.split("_")) {
                if (!part.isEmpty()) {
                    entry.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
            }
            entry.append("Entry");
            FieldDescriptorProto.Builder key = FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
            setType(key, keyType);
            FieldDescriptorProto.Builder value = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                    .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
            setType(value, valueType);
            m.addNestedType(DescriptorProto.newBuilder().setName(entry.toString())
                    .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                    .addField(key).addField(value));
            FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                    .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                    .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(entry.toString());
            fieldOptions(f);
            expect(";");
            m.addField(f);
        }

        private void fieldOptions(FieldDescriptorProto.Builder f) {
            if (!peek().equals("[")) {
                return;
            }
            next();
            FieldOptions.Builder o = FieldOptions.newBuilder();
            while (true) {
                String name = next();
                expect("=");
                String value = next();
                switch (name) {
                    case "packed" -> o.setPacked(Boolean.parseBoolean(value));
                    case "deprecated" -> o.setDeprecated(Boolean.parseBoolean(value));
                    default -> { }
                }
                if (peek().equals(",")) {
                    next();
                } else {
                    break;
                }
            }
            expect("]");
            f.setOptions(o);
        }

        private void setType(FieldDescriptorProto.Builder f, String type) {
            FieldDescriptorProto.Type scalar = SCALARS.get(type);
            if (scalar != null) {
                f.setType(scalar);
            } else {
                // Message or enum: protobuf-java decides which when it resolves the name.
                f.setTypeName(type);
            }
        }

        private EnumDescriptorProto enumType() {
            EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(next());
            expect("{");
            while (!peek().equals("}")) {
                String t = next();
                if (t.equals("option") || t.equals("reserved")) {
                    pos--;
                    skipStatement();
                } else if (!t.equals(";")) {
                    expect("=");
                    int number = integer();
                    if (peek().equals("[")) {
                        while (!next().equals("]")) {
                            // enum value options carry nothing the decoder needs
                        }
                    }
                    expect(";");
                    e.addValue(EnumValueDescriptorProto.newBuilder().setName(t).setNumber(number));
                }
            }
            expect("}");
            return e.build();
        }

        private void skipStatement() {
            while (!next().equals(";")) {
                // options and reserved ranges do not change how bytes decode
            }
        }

        private String string() {
            String t = next();
            if (!t.startsWith("\"")) {
                throw error("expected a string, got " + t);
            }
            return t.substring(1, t.length() - 1);
        }

        private int integer() {
            String t = next();
            try {
                return Integer.decode(t);
            } catch (NumberFormatException e) {
                throw error("expected a number, got " + t);
            }
        }

        private void expect(String want) {
            String t = next();
            if (!t.equals(want)) {
                throw error("expected '" + want + "', got '" + t + "'");
            }
        }

        private String peek() {
            if (pos >= tokens.size()) {
                throw error("unexpected end of file");
            }
            return tokens.get(pos);
        }

        private String next() {
            String t = peek();
            pos++;
            return t;
        }

        private IllegalStateException error(String message) {
            int line = lines.isEmpty() ? 0 : lines.get(Math.min(pos, lines.size() - 1));
            return new IllegalStateException(path + ":" + line + ": " + message);
        }

        private void tokenize(String s) {
            int i = 0;
            int line = 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (s.startsWith("//", i)) {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    if (end < 0) {
                        throw new IllegalStateException(path + ":" + line + ": unterminated comment");
                    }
                    for (int k = i; k < end; k++) {
                        if (s.charAt(k) == '\n') {
                            line++;
                        }
                    }
                    i = end + 2;
                } else if (c == '"' || c == '\'') {
                    int end = s.indexOf(c, i + 1);
                    if (end < 0) {
                        throw new IllegalStateException(path + ":" + line + ": unterminated string");
                    }
                    add("\"" + s.substring(i + 1, end) + "\"", line);
                    i = end + 1;
                } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') {
                    int start = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                            || s.charAt(i) == '.' || s.charAt(i) == '-')) {
                        i++;
                    }
                    add(s.substring(start, i), line);
                } else {
                    add(String.valueOf(c), line);
                    i++;
                }
            }
        }

        private void add(String token, int line) {
            tokens.add(token);
            lines.add(line);
        }
    }
}
