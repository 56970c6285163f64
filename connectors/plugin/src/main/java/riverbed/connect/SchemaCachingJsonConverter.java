package riverbed.connect;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.json.JsonSerializer;

/**
 * Write exactly what Kafka's {@code JsonConverter} writes, serialising each schema only once.
 *
 * <p>With {@code schemas.enable=true} the stock converter builds the envelope
 * {@code {"schema":...,"payload":...}} as a Jackson tree and writes all of it for every message.
 * A Debezium change event's schema (before, after, source block) is several times the size of
 * its payload, and writing it took most of the Connect task thread, the one thread every event
 * of a Postgres connector passes through. This converter keeps the written schema per
 * {@code Schema} object (Debezium reuses one per table until the table changes) and writes
 * only the payload for each message: the bytes are the stock converter's, so consumers and
 * {@code JsonConverter.toConnectData} read them unchanged, and reading back is the stock code.
 *
 * <p>Every setting of {@code JsonConverter} applies. {@code schemas.cache.size} also bounds the
 * written schemas kept here. Headers, schemaless messages and null schemas go to the stock code.
 */
public class SchemaCachingJsonConverter extends JsonConverter {
    private static final byte[] OPEN = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MIDDLE = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    private final JsonConverter payloads = new JsonConverter();
    private final JsonSerializer serializer = new JsonSerializer();
    private Map<Schema, byte[]> written = Collections.synchronizedMap(new IdentityHashMap<>());
    private boolean envelope = true;
    private int capacity = JsonConverterConfig.SCHEMAS_CACHE_SIZE_DEFAULT;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        JsonConverterConfig config = new JsonConverterConfig(configs);
        envelope = config.schemasEnabled();
        capacity = config.schemaCacheSize();
        Map<String, Object> bare = new HashMap<>(configs);
        bare.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false);
        payloads.configure(bare);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (!envelope || schema == null) {
            return super.fromConnectData(topic, schema, value);
        }
        byte[] head = written.get(schema);
        if (head == null) {
            head = serializer.serialize(topic, asJsonSchema(schema));
            if (written.size() >= capacity) {
                written.clear();
            }
            written.put(schema, head);
        }
        byte[] body = payloads.fromConnectData(topic, schema, value);
        byte[] out = new byte[OPEN.length + head.length + MIDDLE.length + body.length + 1];
        int at = 0;
        System.arraycopy(OPEN, 0, out, at, OPEN.length);
        at += OPEN.length;
        System.arraycopy(head, 0, out, at, head.length);
        at += head.length;
        System.arraycopy(MIDDLE, 0, out, at, MIDDLE.length);
        at += MIDDLE.length;
        System.arraycopy(body, 0, out, at, body.length);
        out[out.length - 1] = '}';
        return out;
    }

    @Override
    public void close() {
        written.clear();
        payloads.close();
        serializer.close();
        super.close();
    }
}
