package io.pullqueue.core;

import java.util.Set;

/**
 * Who is calling: an email-like name (from an API key's line, a token's claims) and the roles it holds.
 *
 * @param email the caller's identity as queue ACLs name it
 * @param roles what the caller may do in general
 */
public record Identity(String email, Set<Role> roles) {
    /** Any local caller of a server that needs no credentials (loopback default, or auth mode {@code none}). */
    public static final Identity UNCHECKED = new Identity("local", Set.of(Role.ADMIN));

    public Identity {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
