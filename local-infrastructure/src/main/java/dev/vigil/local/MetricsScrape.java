package dev.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a service's {@code /actuator/prometheus}, read the way Prometheus reads it, for tests
 * that check a series an operator's alert rules or dashboard use. Immutable.
 */
public final class MetricsScrape {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample: a metric name, its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples;

    private MetricsScrape(String text) {
        this.text = text;
        this.samples = samplesOf(text);
    }

    /**
     * The series a list file names, each with the service that exports it: one {@code name service}
     * per line, {@code #} starting a comment ({@code deploy/prometheus/vigil-metrics.txt}).
     */
    public static Map<String, String> listed(java.nio.file.Path file) {
        try {
            Map<String, String> series = new java.util.TreeMap<>();
            for (String line : java.nio.file.Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] parts = line.trim().split("\\s+");
                    series.put(parts[0], parts[1]);
                }
            }
            return series;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the list of series " + file + ": " + e.getMessage(), e);
        }
    }

    /** Scrapes {@code http://localhost:PORT/actuator/prometheus} once, where it is open ({@code vigil.security.open-metrics}). */
    public static MetricsScrape of(int port) {
        return of(port, null);
    }

    /** Scrapes {@code http://localhost:PORT/actuator/prometheus} once, signed in with {@code token} (a viewer's will do) if not null. */
    public static MetricsScrape of(int port, String token) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/actuator/prometheus on port " + port + " answered " + response.statusCode() + ": " + response.body());
            }
            return new MetricsScrape(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads text in Prometheus's exposition format. */
    public static MetricsScrape parse(String text) {
        return new MetricsScrape(text);
    }

    /** The value of the one series called {@code name} whose labels include {@code labels}; empty when there is none. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> matching = samples.stream()
                .filter(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        if (matching.size() > 1) {
            throw new IllegalStateException(matching.size() + " series of " + name + " have the labels " + labels + ": " + matching);
        }
        return matching.stream().findFirst().map(Sample::value);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The scrape as the service sent it, for assertion messages. */
    public String text() {
        return text;
    }

    private static List<Sample> samplesOf(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            Map<String, String> labels = new LinkedHashMap<>();
            String name;
            String rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int close = line.lastIndexOf('}');
                Matcher label = LABEL.matcher(line.substring(brace + 1, close));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                }
                rest = line.substring(close + 1).strip();
            } else {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            }
            samples.add(new Sample(name, Map.copyOf(labels), number(rest.split(" ")[0])));
        }
        return List.copyOf(samples);
    }

    private static double number(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }
}
