package dev.authkeeper.http;

/** Input that cannot be served; the message is shown to the person and says what is wrong. */
public class InvalidRequest extends RuntimeException {

    private final int status;

    public InvalidRequest(String whatIsWrong) {
        this(400, whatIsWrong);
    }

    public InvalidRequest(int status, String whatIsWrong) {
        super(whatIsWrong, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
