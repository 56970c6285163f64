package riverbed;

import io.debezium.embedded.KafkaConnectUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetUtils;

/**
 * Kafka's file offset store, written atomically: a new file, fsync'ed, renamed over the old one.
 *
 * <p>{@link FileOffsetBackingStore} truncates its file and writes it again in place, so a
 * process killed in between leaves an empty or half-written file, which Kafka reads as "no
 * offsets" and Debezium answers with a whole new snapshot. This store writes the same format
 * (a serialized {@code HashMap<byte[], byte[]>}, read back by the parent's {@code load()}) to
 * {@code <file>.tmp}, forces it to disk and renames it over {@code <file>}, then forces the
 * directory: the file always holds one complete set of offsets, the old or the new.
 */
public final class AtomicFileOffsetStore extends FileOffsetBackingStore {
    private final Converter keyConverter;
    // the connector partitions of the offsets last saved (null: none saved, the loaded ones)
    private volatile Map<String, Set<Map<String, Object>>> partitions;
    private Path file;

    public AtomicFileOffsetStore() {
        this(KafkaConnectUtil.converterForOffsetStore());
    }

    private AtomicFileOffsetStore(Converter keyConverter) {
        super(keyConverter);
        this.keyConverter = keyConverter;
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        file = Paths.get(config.getString("offset.storage.file.filename")).toAbsolutePath();
    }

    @Override
    protected void save() {
        HashMap<byte[], byte[]> raw = new HashMap<>();
        Map<String, Set<Map<String, Object>>> saved = new HashMap<>();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
            byte[] key = e.getKey() == null ? null : e.getKey().array();
            byte[] value = e.getValue() == null ? null : e.getValue().array();
            raw.put(key, value);
            OffsetUtils.processPartitionKey(key, value, keyConverter, saved);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(raw);
            }
            try (FileChannel ch =
                    FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself survives a machine crash
            }
        } catch (IOException e) {
            throw new ConnectException("cannot write the offsets file " + file + ": " + e, e);
        }
        partitions = saved;
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        Map<String, Set<Map<String, Object>>> saved = partitions;
        return saved == null
                ? super.connectorPartitions(connectorName)
                : saved.getOrDefault(connectorName, Set.of());
    }
}
