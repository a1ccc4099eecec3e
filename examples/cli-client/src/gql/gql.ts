/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CliLogIn($input: LogInInput!) {\n    logIn(input: $input) { token user { id username displayName } }\n  }\n": typeof types.CliLogInDocument,
    "\n  mutation CliSignUp($input: SignUpInput!) {\n    signUp(input: $input) { token user { id username displayName } }\n  }\n": typeof types.CliSignUpDocument,
    "\n  mutation CliJoinByCode($code: String!) {\n    joinRoom(code: $code) { id name }\n  }\n": typeof types.CliJoinByCodeDocument,
    "\n  query CliRecent($roomId: ID!, $last: Int) {\n    messages(roomId: $roomId, last: $last) {\n      edges { node { id seq body createdAt deletedAt sender { username displayName } } }\n    }\n  }\n": typeof types.CliRecentDocument,
    "\n  mutation CliSend($roomId: ID!, $body: String!, $clientId: String) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq }\n  }\n": typeof types.CliSendDocument,
    "\n  subscription CliMessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { id seq body createdAt deletedAt sender { username displayName } }\n  }\n": typeof types.CliMessageAddedDocument,
};
const documents: Documents = {
    "\n  mutation CliLogIn($input: LogInInput!) {\n    logIn(input: $input) { token user { id username displayName } }\n  }\n": types.CliLogInDocument,
    "\n  mutation CliSignUp($input: SignUpInput!) {\n    signUp(input: $input) { token user { id username displayName } }\n  }\n": types.CliSignUpDocument,
    "\n  mutation CliJoinByCode($code: String!) {\n    joinRoom(code: $code) { id name }\n  }\n": types.CliJoinByCodeDocument,
    "\n  query CliRecent($roomId: ID!, $last: Int) {\n    messages(roomId: $roomId, last: $last) {\n      edges { node { id seq body createdAt deletedAt sender { username displayName } } }\n    }\n  }\n": types.CliRecentDocument,
    "\n  mutation CliSend($roomId: ID!, $body: String!, $clientId: String) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq }\n  }\n": types.CliSendDocument,
    "\n  subscription CliMessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { id seq body createdAt deletedAt sender { username displayName } }\n  }\n": types.CliMessageAddedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CliLogIn($input: LogInInput!) {\n    logIn(input: $input) { token user { id username displayName } }\n  }\n"): (typeof documents)["\n  mutation CliLogIn($input: LogInInput!) {\n    logIn(input: $input) { token user { id username displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CliSignUp($input: SignUpInput!) {\n    signUp(input: $input) { token user { id username displayName } }\n  }\n"): (typeof documents)["\n  mutation CliSignUp($input: SignUpInput!) {\n    signUp(input: $input) { token user { id username displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CliJoinByCode($code: String!) {\n    joinRoom(code: $code) { id name }\n  }\n"): (typeof documents)["\n  mutation CliJoinByCode($code: String!) {\n    joinRoom(code: $code) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CliRecent($roomId: ID!, $last: Int) {\n    messages(roomId: $roomId, last: $last) {\n      edges { node { id seq body createdAt deletedAt sender { username displayName } } }\n    }\n  }\n"): (typeof documents)["\n  query CliRecent($roomId: ID!, $last: Int) {\n    messages(roomId: $roomId, last: $last) {\n      edges { node { id seq body createdAt deletedAt sender { username displayName } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CliSend($roomId: ID!, $body: String!, $clientId: String) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq }\n  }\n"): (typeof documents)["\n  mutation CliSend($roomId: ID!, $body: String!, $clientId: String) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CliMessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { id seq body createdAt deletedAt sender { username displayName } }\n  }\n"): (typeof documents)["\n  subscription CliMessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { id seq body createdAt deletedAt sender { username displayName } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;