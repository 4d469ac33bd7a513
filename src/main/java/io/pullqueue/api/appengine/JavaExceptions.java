package io.pullqueue.api.appengine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamConstants;
import java.io.ObjectStreamField;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The {@code java_exception} of a {@code remote_api.Response}: a Java-serialized exception of the App Engine SDK
 * ({@code com.google.apphosting.api.ApiProxy$ApplicationException} and friends), which the SDK's Remote API
 * client deserializes and throws, so that its {@code Queue} turns the error code into the right exception.
 *
 * <p>pullqueue does not ship Google's classes. It serializes small stand-ins of its own that have the same
 * {@code serialVersionUID}s and fields, and writes Google's class names into the stream in their place; the bytes
 * are exactly what {@code ObjectOutputStream} would write for Google's classes. The stand-ins carry no stack
 * trace.
 */
final class JavaExceptions {
    private static final String API_PROXY = "com.google.apphosting.api.ApiProxy$";

    /** Stand-in class → the SDK class it is written as. */
    private static final Map<Class<?>, String> NAMES = Map.of(
            ApiProxyException.class, API_PROXY + "ApiProxyException",
            ApplicationException.class, API_PROXY + "ApplicationException",
            CallNotFoundException.class, API_PROXY + "CallNotFoundException",
            ArgumentException.class, API_PROXY + "ArgumentException",
            RequestTooLargeException.class, API_PROXY + "RequestTooLargeException");

    private JavaExceptions() {}

    /** {@code ApiProxy.ApplicationException(code, detail)}: the SDK translates it by the code. */
    static byte[] application(int code, String detail) {
        return serialize(new ApplicationException(code, detail));
    }

    /** {@code ApiProxy.CallNotFoundException}: no such service or method. */
    static byte[] callNotFound(String service, String method) {
        return serialize(new CallNotFoundException(
                "The API package '" + service + "' or call '" + method + "()' was not found."));
    }

    /** {@code ApiProxy.ArgumentException}: the request could not be parsed. */
    static byte[] argument(String service, String method, String why) {
        return serialize(new ArgumentException("An error occurred parsing (locally or remotely) the arguments to "
                + service + "." + method + "(): " + why));
    }

    /** {@code ApiProxy.RequestTooLargeException}: the request body is over the limit. */
    static byte[] requestTooLarge(String why) {
        return serialize(new RequestTooLargeException(why));
    }

    static byte[] serialize(Throwable t) {
        t.setStackTrace(new StackTraceElement[0]);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new RenamingStream(bytes)) {
            out.writeObject(t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + t, e);
        }
        return bytes.toByteArray();
    }

    /** Writes each stand-in's class descriptor under the SDK's class name; everything else as usual. */
    private static final class RenamingStream extends ObjectOutputStream {
        RenamingStream(OutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            String name = NAMES.get(desc.forClass());
            if (name == null) {
                super.writeClassDescriptor(desc);
                return;
            }
            // The layout of ObjectStreamClass.writeNonProxy for a Serializable class without writeObject().
            writeUTF(name);
            writeLong(desc.getSerialVersionUID());
            writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            ObjectStreamField[] fields = desc.getFields();
            writeShort(fields.length);
            for (ObjectStreamField f : fields) {
                writeByte(f.getTypeCode());
                writeUTF(f.getName());
                if (!f.isPrimitive()) {
                    writeObject(f.getTypeString());
                }
            }
        }
    }

    // The stand-ins: same serialVersionUID and serializable fields as the SDK's classes (checked with javap on
    // appengine-api-1.0-sdk 2.0.39 and 4.0.2; see shared/spec/wire-protocols.md §1.3).

    static class ApiProxyException extends RuntimeException {
        private static final long serialVersionUID = -8047817766181831916L;

        ApiProxyException(String message) {
            super(message);
        }
    }

    static final class ApplicationException extends ApiProxyException {
        private static final long serialVersionUID = 6842926107675100571L;
        private final int applicationError;
        private final String errorDetail;

        ApplicationException(int applicationError, String errorDetail) {
            super("ApplicationError: " + applicationError + ": " + errorDetail);
            this.applicationError = applicationError;
            this.errorDetail = errorDetail;
        }

        int applicationError() {
            return applicationError;
        }

        String errorDetail() {
            return errorDetail;
        }
    }

    static final class CallNotFoundException extends ApiProxyException {
        private static final long serialVersionUID = 7509604548069974905L;

        CallNotFoundException(String message) {
            super(message);
        }
    }

    static final class ArgumentException extends ApiProxyException {
        private static final long serialVersionUID = -5659754301141352543L;

        ArgumentException(String message) {
            super(message);
        }
    }

    static final class RequestTooLargeException extends ApiProxyException {
        private static final long serialVersionUID = -8120940444733330027L;

        RequestTooLargeException(String message) {
            super(message);
        }
    }
}
