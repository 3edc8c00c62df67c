using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TalkNTalk.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "app_instances",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    startedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    seenat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_app_instances", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetroles",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedname = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrencystamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetroles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetusers",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    displayname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    mustchangepassword = table.Column<bool>(type: "boolean", nullable: false),
                    isdisabled = table.Column<bool>(type: "boolean", nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    username = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedusername = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedemail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    emailconfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    passwordhash = table.Column<string>(type: "text", nullable: true),
                    securitystamp = table.Column<string>(type: "text", nullable: true),
                    concurrencystamp = table.Column<string>(type: "text", nullable: true),
                    phonenumber = table.Column<string>(type: "text", nullable: true),
                    phonenumberconfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    twofactorenabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockoutend = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockoutenabled = table.Column<bool>(type: "boolean", nullable: false),
                    accessfailedcount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetusers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendlyname = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_inbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    messageid = table.Column<Guid>(type: "uuid", nullable: true),
                    providermessageid = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    delivered = table.Column<bool>(type: "boolean", nullable: false),
                    errorcode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    network = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    receivedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    retryat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_inbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "installation_secrets",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_installation_secrets", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "message_stats",
                columns: table => new
                {
                    campaignid = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    network = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Sms"),
                    senderid = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    source = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    messages = table.Column<int>(type: "integer", nullable: false),
                    costcents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_stats", x => new { x.campaignid, x.status, x.network });
                });

            migrationBuilder.CreateTable(
                name: "organisations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    timezoneid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organisations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rate_limit_hits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_limit_hits", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sms_gateway_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kannelsendsmsurl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    kannelusername = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kannelpasswordprotected = table.Column<string>(type: "text", nullable: true),
                    kannelmessagespersecond = table.Column<int>(type: "integer", nullable: false),
                    kannelsmsc = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    africastalkingbaseurl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    africastalkingusername = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    africastalkingapikeyprotected = table.Column<string>(type: "text", nullable: true),
                    africastalkingmessagespersecond = table.Column<int>(type: "integer", nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updatedby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_gateway_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    endpointid = table.Column<Guid>(type: "uuid", nullable: false),
                    eventtype = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    messageid = table.Column<Guid>(type: "uuid", nullable: true),
                    messagestatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    occurredat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    nextattemptat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lastattemptat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    responsestatus = table.Column<int>(type: "integer", nullable: true),
                    responsems = table.Column<int>(type: "integer", nullable: true),
                    lasterror = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetroleclaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    roleid = table.Column<string>(type: "text", nullable: false),
                    claimtype = table.Column<string>(type: "text", nullable: true),
                    claimvalue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetroleclaims", x => x.id);
                    table.ForeignKey(
                        name: "fk_aspnetroleclaims_aspnetroles_roleid",
                        column: x => x.roleid,
                        principalTable: "aspnetroles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserclaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    userid = table.Column<string>(type: "text", nullable: false),
                    claimtype = table.Column<string>(type: "text", nullable: true),
                    claimvalue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserclaims", x => x.id);
                    table.ForeignKey(
                        name: "fk_aspnetuserclaims_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserlogins",
                columns: table => new
                {
                    loginprovider = table.Column<string>(type: "text", nullable: false),
                    providerkey = table.Column<string>(type: "text", nullable: false),
                    providerdisplayname = table.Column<string>(type: "text", nullable: true),
                    userid = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserlogins", x => new { x.loginprovider, x.providerkey });
                    table.ForeignKey(
                        name: "fk_aspnetuserlogins_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserroles",
                columns: table => new
                {
                    userid = table.Column<string>(type: "text", nullable: false),
                    roleid = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserroles", x => new { x.userid, x.roleid });
                    table.ForeignKey(
                        name: "fk_aspnetuserroles_aspnetroles_roleid",
                        column: x => x.roleid,
                        principalTable: "aspnetroles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_aspnetuserroles_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetusertokens",
                columns: table => new
                {
                    userid = table.Column<string>(type: "text", nullable: false),
                    loginprovider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetusertokens", x => new { x.userid, x.loginprovider, x.name });
                    table.ForeignKey(
                        name: "fk_aspnetusertokens_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    userid = table.Column<string>(type: "text", nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    lastseenat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    useragent = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ipaddress = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_sessions_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "address_books",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    normalizedname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_address_books", x => x.id);
                    table.ForeignKey(
                        name: "fk_address_books_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    displayprefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scopes = table.Column<int>(type: "integer", nullable: false),
                    createdby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expiresat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lastusedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revokedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Sms"),
                    message = table.Column<string>(type: "text", nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    senderid = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    sendercategory = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    addressbookids = table.Column<string>(type: "text", nullable: true),
                    recipientscount = table.Column<int>(type: "integer", nullable: false),
                    sentcount = table.Column<int>(type: "integer", nullable: false),
                    deliveredcount = table.Column<int>(type: "integer", nullable: false),
                    failedcount = table.Column<int>(type: "integer", nullable: false),
                    estimatedcost = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    actualcost = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    createdby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    scheduledat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    startedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finishedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigns", x => x.id);
                    table.ForeignKey(
                        name: "fk_campaigns_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    userid = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => x.id);
                    table.ForeignKey(
                        name: "fk_memberships_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_memberships_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "opt_outs",
                columns: table => new
                {
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    address = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    reason = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_opt_outs", x => new { x.organisationid, x.channel, x.address });
                    table.ForeignKey(
                        name: "fk_opt_outs_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sender_ids",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Sms"),
                    name = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    normalizedname = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    category = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    isdefault = table.Column<bool>(type: "boolean", nullable: false),
                    providerref = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    secret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    verificationtokenhash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    verificationsentat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    decidedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    decidedby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sender_ids", x => x.id);
                    table.ForeignKey(
                        name: "fk_sender_ids_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "wallet_ledger",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    availableafter = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    reservedafter = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_ledger", x => x.id);
                    table.ForeignKey(
                        name: "fk_wallet_ledger_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "wallets",
                columns: table => new
                {
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    available = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    reserved = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallets", x => x.organisationid);
                    table.ForeignKey(
                        name: "fk_wallets_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    description = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    events = table.Column<int>(type: "integer", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    protectedsecret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    secrethint = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    previousprotectedsecret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    previoussecretexpiresat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    consecutivefailures = table.Column<int>(type: "integer", nullable: false),
                    disabledreason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    disabledat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    createdby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_endpoints", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_endpoints_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_templates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    body = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_templates", x => x.id);
                    table.ForeignKey(
                        name: "fk_whatsapp_templates_organisations_organisationid",
                        column: x => x.organisationid,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    addressbookid = table.Column<Guid>(type: "uuid", nullable: false),
                    mobile = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: true),
                    network = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    telegramchatid = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    slackuserid = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    firstname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    lastname = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    customfields = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contacts", x => x.id);
                    table.ForeignKey(
                        name: "fk_contacts_address_books_addressbookid",
                        column: x => x.addressbookid,
                        principalTable: "address_books",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organisationid = table.Column<Guid>(type: "uuid", nullable: false),
                    campaignid = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Sms"),
                    address = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    network = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    senderid = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    segments = table.Column<int>(type: "integer", nullable: false),
                    encoding = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    cost = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    providermessageid = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    errorcode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    errordetail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    scheduledat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    claimedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    claimedby = table.Column<Guid>(type: "uuid", nullable: true),
                    createdat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updatedat = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sentat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    deliveredat = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_messages_campaigns_campaignid",
                        column: x => x.campaignid,
                        principalTable: "campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_address_books_organisationid_normalizedname",
                table: "address_books",
                columns: new[] { "organisationid", "normalizedname" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_hash",
                table: "api_keys",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_organisationid",
                table: "api_keys",
                column: "organisationid");

            migrationBuilder.CreateIndex(
                name: "ix_aspnetroleclaims_roleid",
                table: "aspnetroleclaims",
                column: "roleid");

            migrationBuilder.CreateIndex(
                name: "rolenameindex",
                table: "aspnetroles",
                column: "normalizedname",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserclaims_userid",
                table: "aspnetuserclaims",
                column: "userid");

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserlogins_userid",
                table: "aspnetuserlogins",
                column: "userid");

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserroles_roleid",
                table: "aspnetuserroles",
                column: "roleid");

            migrationBuilder.CreateIndex(
                name: "emailindex",
                table: "aspnetusers",
                column: "normalizedemail");

            migrationBuilder.CreateIndex(
                name: "usernameindex",
                table: "aspnetusers",
                column: "normalizedusername",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_organisationid_createdat",
                table: "campaigns",
                columns: new[] { "organisationid", "createdat" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_status_channel",
                table: "campaigns",
                columns: new[] { "status", "channel" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_status_scheduledat",
                table: "campaigns",
                columns: new[] { "status", "scheduledat" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_email",
                table: "contacts",
                columns: new[] { "addressbookid", "email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_lastname_firstname",
                table: "contacts",
                columns: new[] { "addressbookid", "lastname", "firstname" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_mobile",
                table: "contacts",
                columns: new[] { "addressbookid", "mobile" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_slackuserid",
                table: "contacts",
                columns: new[] { "addressbookid", "slackuserid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_status_mobile_network",
                table: "contacts",
                columns: new[] { "addressbookid", "status", "mobile", "network" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_addressbookid_telegramchatid",
                table: "contacts",
                columns: new[] { "addressbookid", "telegramchatid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_organisationid_status_mobile",
                table: "contacts",
                columns: new[] { "organisationid", "status", "mobile" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_organisationid_role",
                table: "memberships",
                columns: new[] { "organisationid", "role" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_userid",
                table: "memberships",
                column: "userid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_message_stats_organisationid_createdat",
                table: "message_stats",
                columns: new[] { "organisationid", "createdat" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_campaignid_createdat",
                table: "messages",
                columns: new[] { "campaignid", "createdat" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_campaignid_status",
                table: "messages",
                columns: new[] { "campaignid", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_explorer",
                table: "messages",
                columns: new[] { "organisationid", "createdat", "status", "network", "source", "senderid", "channel" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_organisationid_createdat_id",
                table: "messages",
                columns: new[] { "organisationid", "createdat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_organisationid_network_createdat",
                table: "messages",
                columns: new[] { "organisationid", "network", "createdat" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_organisationid_status_createdat",
                table: "messages",
                columns: new[] { "organisationid", "status", "createdat" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_providermessageid",
                table: "messages",
                column: "providermessageid");

            migrationBuilder.CreateIndex(
                name: "ix_messages_status_scheduledat",
                table: "messages",
                columns: new[] { "status", "scheduledat" });

            migrationBuilder.CreateIndex(
                name: "ix_organisations_name",
                table: "organisations",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rate_limit_hits_key_at",
                table: "rate_limit_hits",
                columns: new[] { "key", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_sender_ids_channel_providerref",
                table: "sender_ids",
                columns: new[] { "channel", "providerref" },
                unique: true,
                filter: "ProviderRef IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sender_ids_organisationid_channel_normalizedname",
                table: "sender_ids",
                columns: new[] { "organisationid", "channel", "normalizedname" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_sessions_userid",
                table: "user_sessions",
                column: "userid");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_ledger_organisationid_id",
                table: "wallet_ledger",
                columns: new[] { "organisationid", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_wallet_ledger_organisationid_reference",
                table: "wallet_ledger",
                columns: new[] { "organisationid", "reference" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_nextattemptat",
                table: "webhook_deliveries",
                column: "nextattemptat",
                filter: "NextAttemptAt IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_endpoints_organisationid",
                table: "webhook_endpoints",
                column: "organisationid");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_templates_organisationid_name_language",
                table: "whatsapp_templates",
                columns: new[] { "organisationid", "name", "language" },
                unique: true);

            // What EF does not model (SqlObjects): the trigram search index, the triggers and the contact search's functions.
            foreach (var statement in SqlObjects.Create)
                migrationBuilder.Sql(statement);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in SqlObjects.Drop)
                migrationBuilder.Sql(statement);

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "app_instances");

            migrationBuilder.DropTable(
                name: "aspnetroleclaims");

            migrationBuilder.DropTable(
                name: "aspnetuserclaims");

            migrationBuilder.DropTable(
                name: "aspnetuserlogins");

            migrationBuilder.DropTable(
                name: "aspnetuserroles");

            migrationBuilder.DropTable(
                name: "aspnetusertokens");

            migrationBuilder.DropTable(
                name: "contacts");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "delivery_inbox");

            migrationBuilder.DropTable(
                name: "installation_secrets");

            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "message_stats");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "opt_outs");

            migrationBuilder.DropTable(
                name: "rate_limit_hits");

            migrationBuilder.DropTable(
                name: "sender_ids");

            migrationBuilder.DropTable(
                name: "sms_gateway_settings");

            migrationBuilder.DropTable(
                name: "user_sessions");

            migrationBuilder.DropTable(
                name: "wallet_ledger");

            migrationBuilder.DropTable(
                name: "wallets");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "webhook_endpoints");

            migrationBuilder.DropTable(
                name: "whatsapp_templates");

            migrationBuilder.DropTable(
                name: "aspnetroles");

            migrationBuilder.DropTable(
                name: "address_books");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "aspnetusers");

            migrationBuilder.DropTable(
                name: "organisations");
        }
    }
}
