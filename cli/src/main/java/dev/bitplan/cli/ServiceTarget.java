package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Which BitPlan service a client command talks to: {@code --url}/{@code --token}, else the environment
 * ({@code BITPLAN_URL}/{@code BITPLAN_TOKEN}), else the local stack that {@code bitplan up} recorded in
 * {@code ~/.bitplan/current-stack.json}. That file's token is only sent to that file's URL.
 */
final class ServiceTarget {

    @Option(names = "--url", description = "service URL (default: $BITPLAN_URL, else the running ./bitplan up)")
    String url;

    @Option(names = "--token", description = "API token (default: $BITPLAN_TOKEN, else the running ./bitplan up's)")
    String token;

    /** A URL and token to use. */
    record Resolved(String url, String token, String source) {
    }

    ApiClient client() {
        Resolved r = resolve(url, token, System.getenv(), UserFiles.currentStack());
        return new ApiClient(r.url(), r.token());
    }

    static Resolved resolve(String urlFlag, String tokenFlag, Map<String, String> env, Path currentStack) {
        String u = blankToNull(urlFlag);
        String t = blankToNull(tokenFlag);
        String source = "flags";
        if (u == null && blankToNull(env.get("BITPLAN_URL")) != null) {
            u = env.get("BITPLAN_URL").strip();
            source = "BITPLAN_URL";
        }
        if (t == null && blankToNull(env.get("BITPLAN_TOKEN")) != null) {
            t = env.get("BITPLAN_TOKEN").strip();
        }
        if (u == null || t == null) {
            JsonNode local = PrivateFiles.readJson(currentStack);
            if (local != null) {
                String localUrl = local.path("url").asText("");
                if (u == null) {
                    checkRunning(local, currentStack);
                    u = localUrl;
                    source = currentStack.toString();
                }
                if (t == null && sameService(u, localUrl)) {
                    t = blankToNull(local.path("token").asText(null));
                }
            }
        }
        if (u == null) {
            throw new CommandFailure("no BitPlan service to talk to: pass --url and --token, set BITPLAN_URL and BITPLAN_TOKEN, "
                    + "or start a local one with ./bitplan up", 2);
        }
        if (t == null) {
            throw new CommandFailure("no API token for " + u + ": pass --token or set BITPLAN_TOKEN", 2);
        }
        return new Resolved(stripSlash(u), t, source);
    }

    private static void checkRunning(JsonNode local, Path file) {
        long pid = local.path("pid").asLong(-1);
        boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            throw new CommandFailure("the local stack recorded in " + file + " (pid " + pid + ") is not running: start it with "
                    + "./bitplan up, or pass --url and --token", 2);
        }
    }

    private static boolean sameService(String a, String b) {
        return stripSlash(a).equals(stripSlash(b));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
