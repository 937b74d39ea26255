package dev.vigil.scheduler.api;

import dev.vigil.scheduler.job.UnknownTargetException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Turns refusals into problem JSON ({@code application/problem+json}) that says what is wrong. */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

    @ExceptionHandler(UnknownTargetException.class)
    ProblemDetail unknownTarget(UnknownTargetException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown target");
        return problem;
    }

    @ExceptionHandler(ApiException.class)
    ProblemDetail refused(ApiException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(e.status()), e.getMessage());
        problem.setTitle(e.title());
        return problem;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badArgument(MethodArgumentTypeMismatchException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                e.getName() + " '" + e.getValue() + "' is not valid" + (e.getRequiredType() != null ? ": expected a " + e.getRequiredType().getSimpleName() : ""));
        problem.setTitle("Invalid " + e.getName());
        return problem;
    }

    /** A body that is not JSON; Spring's own answer does not say what the body should be. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "the request body is not valid JSON; send a JSON object such as "
                + "{\"note\": \"before the billing migration\"}, or no body");
        problem.setTitle("Unreadable request body");
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    /** A body sent as a form (curl's {@code -d} without {@code -H 'Content-Type: application/json'}) or as text. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "a body of Content-Type '" + e.getContentType()
                + "' is not read; send it as JSON with the header Content-Type: application/json, or send no body");
        problem.setTitle("Unsupported request body");
        return handleExceptionInternal(e, problem, headers, status, request);
    }
}
