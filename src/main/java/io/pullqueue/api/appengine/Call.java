package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;

/** One API method: parses its request message, calls the service, and returns its response message. */
@FunctionalInterface
interface Call {
    /**
     * @throws InvalidProtocolBufferException the request is not the method's message (answered as PARSE_ERROR)
     * @throws io.pullqueue.core.QueueException a queue error (answered as an application error)
     */
    MessageLite invoke(ByteString request) throws InvalidProtocolBufferException;
}
