import { Client, cacheExchange, fetchExchange } from 'urql';

/**
 * One urql client for the app. Queries go as POST with a JSON body: the server's CSRF
 * prevention refuses simple GET requests, and the session cookie is same-origin.
 */
export function createClient(headers: Record<string, string> = {}): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin', headers },
  });
}
