package dev.authkeeper.api;

/**
 * A request the API refuses: the status, an error code and a message saying what is wrong and
 * what to do next. The message never quotes the request (it reaches logs); no stack trace is kept.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String error;

    public ApiProblem(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiProblem badRequest(String message) {
        return new ApiProblem(400, "bad_request", message);
    }

    public static ApiProblem notFound(String message) {
        return new ApiProblem(404, "not_found", message);
    }

    public ApiAnswer answer() {
        return ApiAnswer.error(status, error, getMessage());
    }
}
