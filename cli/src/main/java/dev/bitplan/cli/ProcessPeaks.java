package dev.bitplan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Peak resident memory of processes, from Linux's {@code /proc/PID/status} ({@code VmHWM}: the high-water mark of RSS). */
final class ProcessPeaks {

    private ProcessPeaks() {
    }

    /** The peak RSS in bytes; empty where there is no /proc (not Linux) or the process is gone. */
    static Optional<Long> peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024); // kB
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * PostgreSQL's server and its backends: the {@code postgres} processes whose command line names this data
     * directory, and their descendants. Their peaks are summed (an upper bound: they need not peak at once).
     */
    static Optional<Long> postgresPeakSum(Path dataDir) {
        String dir = dataDir.toAbsolutePath().toString();
        List<ProcessHandle> servers = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(dir)).orElse(false)).toList();
        if (servers.isEmpty()) {
            return Optional.empty();
        }
        long sum = servers.stream().flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .distinct().mapToLong(p -> peakRss(p.pid()).orElse(0L)).sum();
        return Optional.of(sum);
    }
}
