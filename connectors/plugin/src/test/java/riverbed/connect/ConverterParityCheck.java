package riverbed.connect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Check that SchemaCachingJsonConverter writes the stock JsonConverter's bytes.
 *
 * <p>Run with the Kafka jars and the plugin on the classpath; it prints one line per checked
 * configuration and exits 1 on the first difference, showing both outputs.
 */
public final class ConverterParityCheck {
    private static int checked = 0;

    private ConverterParityCheck() {}

    /** Build a Debezium-shaped row schema; `tag` makes structurally different ones. */
    static Schema row(String tag) {
        return SchemaBuilder.struct()
                .name("bench.public.item" + tag + ".Value")
                .optional()
                .field("id", Schema.INT64_SCHEMA)
                .field("title", Schema.OPTIONAL_STRING_SCHEMA)
                .field("active", SchemaBuilder.bool().defaultValue(true).build())
                .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("price", Decimal.builder(2).optional().parameter("connect.decimal.precision", "12").build())
                .field("born", Date.builder().optional().build())
                .field("seen", Timestamp.builder().optional().doc("µs → ms \"quoted\"").build())
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("counts", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
                .version(3)
                .build();
    }

    /** Wrap a row schema in Debezium's change-event envelope. */
    static Schema envelope(Schema row) {
        Schema source = SchemaBuilder.struct()
                .name("io.debezium.connector.postgresql.Source")
                .field("connector", Schema.STRING_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false")
                        .parameter("allowed", "true,last,false,incremental").build())
                .build();
        return SchemaBuilder.struct()
                .name(row.name().replace(".Value", ".Envelope"))
                .field("before", row)
                .field("after", row)
                .field("source", source)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    static Struct value(Schema row, long id) {
        Struct r = new Struct(row).put("id", id).put("active", id % 2 == 0);
        if (id % 3 != 0) {
            r.put("title", "title ✓ " + id + " \"q\" \\ \n")
                    .put("score", id / 7.0)
                    .put("blob", ("b" + id).getBytes(StandardCharsets.UTF_8))
                    .put("price", new BigDecimal(id).movePointLeft(2))
                    .put("born", new java.util.Date(86_400_000L * id))
                    .put("seen", new java.util.Date(1_700_000_000_000L + id))
                    .put("tags", Arrays.asList("a", "b" + id))
                    .put("counts", Map.of("n", (int) id));
        }
        return r;
    }

    static Struct event(Schema env, long id, String op) {
        Schema row = env.field("after").schema();
        Struct source = new Struct(env.field("source").schema())
                .put("connector", "postgresql").put("lsn", id * 64);
        Struct e = new Struct(env).put("source", source).put("op", op).put("ts_ms", id);
        if (!op.equals("c")) {
            e.put("before", value(row, id - 1));
        }
        if (!op.equals("d")) {
            e.put("after", value(row, id));
        }
        return e;
    }

    static void same(String what, byte[] stock, byte[] ours) {
        checked++;
        if (!Arrays.equals(stock, ours)) {
            System.out.println("DIFFERENT " + what);
            System.out.println("stock: " + (stock == null ? "null" : new String(stock, StandardCharsets.UTF_8)));
            System.out.println("ours:  " + (ours == null ? "null" : new String(ours, StandardCharsets.UTF_8)));
            System.exit(1);
        }
    }

    static void check(String label, Map<String, Object> config, boolean isKey) {
        JsonConverter stock = new JsonConverter();
        SchemaCachingJsonConverter ours = new SchemaCachingJsonConverter();
        stock.configure(config, isKey);
        ours.configure(config, isKey);
        int before = checked;
        // Three envelopes, cycled so a cache of two must evict and rebuild; each reused.
        List<Schema> envs = List.of(envelope(row("")), envelope(row("2")), envelope(row("3")));
        for (int i = 1; i <= 60; i++) {
            Schema env = envs.get(i % envs.size());
            Struct e = event(env, i, i % 4 == 0 ? "d" : i % 2 == 0 ? "u" : "c");
            same(label + " event " + i, stock.fromConnectData("t", env, e), ours.fromConnectData("t", env, e));
            same(label + " event " + i + " with headers",
                    stock.fromConnectData("t", new RecordHeaders(), env, e),
                    ours.fromConnectData("t", new RecordHeaders(), env, e));
            if (!"false".equals(config.get("schemas.enable"))) {  // schemaless reads back a HashMap
                byte[] written = ours.fromConnectData("t", env, e);
                SchemaAndValue back = stock.toConnectData("t", written);
                same(label + " round trip " + i, written, stock.fromConnectData("t", back.schema(), back.value()));
            }
        }
        // An equal schema that is another object: the cache is by identity, the bytes the same.
        Schema twin = envelope(row(""));
        same(label + " twin", stock.fromConnectData("t", twin, event(twin, 5, "u")),
                ours.fromConnectData("t", twin, event(twin, 5, "u")));
        // Keys, primitives, optional nulls, tombstones and schemaless values.
        Schema key = SchemaBuilder.struct().name("bench.public.item.Key").field("id", Schema.INT64_SCHEMA).build();
        same(label + " key", stock.fromConnectData("t", key, new Struct(key).put("id", 7L)),
                ours.fromConnectData("t", key, new Struct(key).put("id", 7L)));
        same(label + " string", stock.fromConnectData("t", Schema.STRING_SCHEMA, "x"),
                ours.fromConnectData("t", Schema.STRING_SCHEMA, "x"));
        same(label + " optional null", stock.fromConnectData("t", Schema.OPTIONAL_STRING_SCHEMA, null),
                ours.fromConnectData("t", Schema.OPTIONAL_STRING_SCHEMA, null));
        same(label + " null struct", stock.fromConnectData("t", envs.get(0).field("after").schema(), null),
                ours.fromConnectData("t", envs.get(0).field("after").schema(), null));
        same(label + " tombstone", stock.fromConnectData("t", null, null), ours.fromConnectData("t", null, null));
        Map<String, Object> loose = new HashMap<>();
        loose.put("k", Arrays.asList(1, "two", null));
        same(label + " schemaless", stock.fromConnectData("t", null, loose), ours.fromConnectData("t", null, loose));
        ours.close();
        stock.close();
        System.out.println("same bytes: " + label + " (" + (checked - before) + " messages)");
    }

    public static void main(String[] args) {
        check("defaults", Map.of(), false);
        check("key converter", Map.of(), true);
        check("numeric decimals, small cache", Map.of("decimal.format", "NUMERIC", "schemas.cache.size", "2"), false);
        check("schemas disabled", Map.of("schemas.enable", "false"), false);
        check("null replaced with default", Map.of("replace.null.with.default", "false"), false);
        System.out.println("checked " + checked + " messages");
    }
}
