package io.pullqueue.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured. */
final class Results {
    final Map<String, Map<String, String>> peers = new LinkedHashMap<>();
    final Map<String, String> loadAverage = new LinkedHashMap<>();
    final List<Workloads.Drain> drains = new ArrayList<>();
    /** pullqueue only: plain drains against lease+delete drains of the same cells (issue #16). */
    final List<Workloads.LeaseDelete> leaseDeletes = new ArrayList<>();
    final List<Workloads.Steady> steadies = new ArrayList<>();
    final List<Workloads.Backlog> backlogs = new ArrayList<>();
    final List<Workloads.Ceiling> ceilings = new ArrayList<>();
    final Map<String, Long> heapEmpty = new LinkedHashMap<>();
    /** Heap after a full GC with the queue empty again after the drain and steady workloads (a warm server). */
    final Map<String, Long> heapWarmEmpty = new LinkedHashMap<>();
    final Map<String, Long> rssEmpty = new LinkedHashMap<>();
    final Map<String, Long> firstStartMillis = new LinkedHashMap<>();
    final Map<String, Long> restartMillis = new LinkedHashMap<>();
    final Map<String, Long> restartBacklog = new LinkedHashMap<>();
    final Map<String, String> failures = new LinkedHashMap<>();
    double fsyncPerSecond = Double.NaN;
    /** The disk's write+fsync rate measured again just before each system's workloads (it varies on a shared box). */
    final Map<String, Double> fsyncBefore = new LinkedHashMap<>();

    Optional<Workloads.Drain> bestDrain(String peer) {
        return drains.stream().filter(d -> d.peer().equals(peer)).max((a, b) -> Double.compare(a.rate(), b.rate()));
    }

    Optional<Workloads.Backlog> backlog(String peer, long size) {
        return backlogs.stream().filter(b -> b.peer().equals(peer) && b.size() == size).findFirst();
    }

    Optional<Workloads.Steady> steady(String peer) {
        return steadies.stream().filter(s -> s.peer().equals(peer)).findFirst();
    }
}
